import { format, type Language, type Message, type Values } from './language';

/** Every line minsheng-verify prints, in both languages (the library's reasons are in reasons.ts). */
export const MESSAGES = {
  usage: {
    en: `usage: minsheng-verify --key KEY.pub [--key …] --checkpoint FILE [--checkpoint FILE] [--log EVENTS.jsonl [--admin-key ADMIN.pub]] [--proof PROOF.json] [--view FILE] [--lang zh-CN|en]

Checks, on your own machine, a Minsheng Ledger log exported with \`minsheng export --events\`,
its signed checkpoints and proofs, and a view exported with \`minsheng export --key\` against
its receipt (FILE.receipt, given as --checkpoint: it signs the log the view was computed from). With
--admin-key, the plan administrator's verifier key you pinned, it also checks every key event and
every unit's signature of a report, correction or retraction in the log. Prints what holds and exits 0 (yes), or names what fails
and exits 3 (no); 2 for bad arguments, 1 for a file it cannot read. It speaks --lang, else $MINSHENG_LANG,
else the system's locale ($LC_ALL, $LC_MESSAGES, $LANG), else English.`,
    'zh-CN': `用法：minsheng-verify --key KEY.pub [--key …] --checkpoint FILE [--checkpoint FILE] [--log EVENTS.jsonl [--admin-key ADMIN.pub]] [--proof PROOF.json] [--view FILE] [--lang zh-CN|en]

在您自己的机器上核验：用 \`minsheng export --events\` 导出的民生实事账本日志、其签名检查点和证明，
以及用 \`minsheng export --key\` 导出的视图与其回执（FILE.receipt，作为 --checkpoint 给出：它签署了
计算该视图所用的日志）。加上 --admin-key（您固定的方案管理员核验密钥），还会核验日志中的每个密钥事件，
以及每个单位对上报、更正或撤回的签名。打印成立的各项并以 0 退出（是），或指出未通过的一项并以 3 退出（否）；
参数错误退出码为 2，无法读取文件为 1。语言依次取 --lang、$MINSHENG_LANG、系统区域设置
（$LC_ALL、$LC_MESSAGES、$LANG），否则为英文。`,
  },
  lang: { en: '{option} {value}: give zh-CN or en', 'zh-CN': '{option} {value}：请给出 zh-CN 或 en' },
  unknownArgument: { en: 'unknown argument {arg} (see --help)', 'zh-CN': '未知参数 {arg}（见 --help）' },
  needsFile: { en: '{option} needs a file', 'zh-CN': '{option} 需要一个文件' },
  giveKey: { en: '--key: give the verifier key (.pub) of the ledger that signed the checkpoints', 'zh-CN': '--key：请给出签署检查点的账本的核验密钥（.pub）' },
  giveCheckpoint: { en: '--checkpoint: give one checkpoint, or two for a consistency proof', 'zh-CN': '--checkpoint：请给出一个检查点，一致性证明则给出两个' },
  once: { en: 'give --log, --proof and --view at most once each', 'zh-CN': '--log、--proof 和 --view 各至多给出一次' },
  nothing: { en: 'nothing to check: give --log, --proof, --view or several', 'zh-CN': '没有要核验的内容：请给出 --log、--proof、--view 中的一项或几项' },
  adminKeyOnce: { en: '--admin-key: give it once, with --log', 'zh-CN': '--admin-key：只给一次，并与 --log 一起给出' },
  viewReceipt: { en: '--view: give its receipt (FILE.receipt) as the one --checkpoint', 'zh-CN': '--view：请把它的回执（FILE.receipt）作为唯一的 --checkpoint 给出' },
  badKey: { en: '{option} {file}: {reason}', 'zh-CN': '{option} {file}：{reason}' },
  cannotRead: { en: 'cannot read {file}: {reason}', 'zh-CN': '无法读取 {file}：{reason}' },
  checkpointNo: { en: 'no: checkpoint {file}: {reason}', 'zh-CN': '否：检查点 {file}：{reason}' },
  checkpointYes: {
    en: 'yes: checkpoint {file} is signed by {names}: {size} events, root {root}, made {time}',
    'zh-CN': '是：检查点 {file} 由 {names} 签署：{size} 个事件，根哈希 {root}，签署于 {time}',
  },
  fileNo: { en: 'no: {file}: {reason}', 'zh-CN': '否：{file}：{reason}' },
  viewYes: {
    en: 'yes: {file} is the {format} view of plan {plan} as of {asOf}, known at {knownAt}, computed from the first {size} events',
    'zh-CN': '是：{file} 是方案 {plan} 的 {format} 视图，统计截至 {asOf}，账本记录截至 {knownAt}，由前 {size} 个事件计算得出',
  },
  notJson: { en: 'no: {file} is not JSON', 'zh-CN': '否：{file} 不是 JSON' },
  inclusionYes: {
    en: 'yes: event {eventId} ({type}, position {position}) is in the log of {size} events the checkpoint of {time} signs',
    'zh-CN': '是：事件 {eventId}（{type}，位置 {position}）在 {time} 的检查点所签的 {size} 个事件的日志中',
  },
  needsTwo: { en: 'a consistency proof needs two --checkpoint files: the older and the newer', 'zh-CN': '一致性证明需要两个 --checkpoint 文件：较早的和较新的' },
  consistencyYes: { en: 'yes: the log of {newer} events extends the log of {older} unchanged', 'zh-CN': '是：{newer} 个事件的日志原样延续了 {older} 个事件的日志' },
  neither: { en: 'no: {file} is neither an inclusion nor a consistency proof', 'zh-CN': '否：{file} 既不是包含证明，也不是一致性证明' },
  // stream-log.ts
  rootDiffers: {
    en: 'no: the first {size} events of {file} have the root {root}; the checkpoint signs {signed}: history was rewritten',
    'zh-CN': '否：{file} 前 {size} 个事件的根哈希为 {root}；检查点所签的是 {signed}：历史被改写',
  },
  rootMatches: { en: 'yes: the first {size} events of {file} have the root the checkpoint of {time} signs', 'zh-CN': '是：{file} 前 {size} 个事件的根哈希正是 {time} 的检查点所签的' },
  lineNotJson: { en: 'no: {file} line {line} is not JSON, cut short or damaged ({error})', 'zh-CN': '否：{file} 第 {line} 行不是 JSON，被截断或已损坏（{error}）' },
  lineNotEvent: { en: 'no: {file} line {line} is not an exported event: {reason}', 'zh-CN': '否：{file} 第 {line} 行不是导出的事件：{reason}' },
  eventFails: { en: 'no: {file}: event at position {position} fails: {reason}', 'zh-CN': '否：{file}：位置 {position} 的事件未通过核验：{reason}' },
  eventIdFails: { en: 'no: {file}: event at position {position} ({eventId}) fails: {reason}', 'zh-CN': '否：{file}：位置 {position} 的事件（{eventId}）未通过核验：{reason}' },
  signatureFails: {
    en: 'no: {file}: event at position {position} ({eventId}, {type}) fails its signature check: {reason}',
    'zh-CN': '否：{file}：位置 {position} 的事件（{eventId}，{type}）未通过签名核验：{reason}',
  },
  removed: { en: 'no: {file} has {size} events; the checkpoint signs {signed}: events were removed', 'zh-CN': '否：{file} 有 {size} 个事件；检查点所签的是 {signed} 个：有事件被删除' },
  logYes: { en: 'yes: {file}: {size} events; every hash and link holds; head hash {head}', 'zh-CN': '是：{file}：{size} 个事件；每个哈希及链接均成立；最新哈希 {head}' },
  signaturesYes: { en: 'yes: {file}: {summary}', 'zh-CN': '是：{file}：{summary}' },
} as const satisfies Readonly<Record<string, Message>>;

export type MessageKey = keyof typeof MESSAGES;

/** The messages of one language. */
export const translator = (lang: Language) => (key: MessageKey, values?: Values): string => format(lang, MESSAGES[key], values);
export type Translate = ReturnType<typeof translator>;
