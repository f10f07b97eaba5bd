/*
 * The lines a running worker prints (commands/worker.ts), in both languages. Spread at the end of
 * both catalogues. An error line's reason and a catch-up in bulk are not here yet: they stay in English.
 */
export const workerLogEn = {
  'worker.log.started': 'started on the ledger at {where}: lease {leaseMs} ms, poll {pollMs} ms, batches of {batchSize}',
  'worker.log.progress': {
    one: 'applied {count} event ({rate} events/s); checkpoint {checkpoint}, head {head}, lag {lag}',
    other: 'applied {count} events ({rate} events/s); checkpoint {checkpoint}, head {head}, lag {lag}',
  },
  'worker.log.progressNoHead': { one: 'applied {count} event ({rate} events/s); checkpoint {checkpoint}', other: 'applied {count} events ({rate} events/s); checkpoint {checkpoint}' },
  'worker.log.tookLease': 'took the lease on {projection} in {readModel}',
  'worker.log.lostLease': 'lost the lease on {projection} in {readModel} (another worker took it after this one missed a renewal)',
  'worker.log.released': 'released the lease on {projection} in {readModel} at checkpoint {checkpoint}',
  'worker.log.switched': 'the serving read model switched from {from} to {to}; following it',
  'worker.log.completed': 'task {task}: every target is met; recorded its completion',
  'worker.log.stopped': 'stopped',
  'worker.log.stoppedOn': 'stopped on {signal}',
} as const;

export const workerLogZh: { readonly [K in keyof typeof workerLogEn]: (typeof workerLogEn)[K] extends string ? string : { readonly other: string } } = {
  'worker.log.started': '已在 {where} 处的账本上启动：租约 {leaseMs} 毫秒，轮询间隔 {pollMs} 毫秒，每批 {batchSize} 个事件',
  'worker.log.progress': { other: '已应用 {count} 个事件（每秒 {rate} 个）；检查点 {checkpoint}，日志头 {head}，滞后 {lag}' },
  'worker.log.progressNoHead': { other: '已应用 {count} 个事件（每秒 {rate} 个）；检查点 {checkpoint}' },
  'worker.log.tookLease': '已取得读模型 {readModel} 中 {projection} 的租约',
  'worker.log.lostLease': '已失去读模型 {readModel} 中 {projection} 的租约（本 worker 未能按时续约，另一个 worker 取得了它）',
  'worker.log.released': '已在检查点 {checkpoint} 释放读模型 {readModel} 中 {projection} 的租约',
  'worker.log.switched': '提供服务的读模型由 {from} 切换为 {to}；随之跟进',
  'worker.log.completed': '任务 {task}：各项目标均已达到；已记录办结',
  'worker.log.stopped': '已停止',
  'worker.log.stoppedOn': '收到 {signal} 后已停止',
};
