import { fill, formOf, type Language, type Message, type Values } from './language';
import { messagePattern } from './message-pattern';

/*
 * The reasons the library's functions give, as strings, in English (openCheckpoint,
 * parseVerifierKey, checkInclusion, checkLog, entryShapeFault, unitSignatureChecker …): their
 * callers keep them as they are. The CLI says them again in the reader's language: each English
 * text below is read back as a pattern whose {names} are the values, so the English text gives the
 * sentence back word for word (reasons.unit.test.ts checks each with the function that writes
 * it). A value that is itself a reason (a word, a nested reason) is said again too; a sentence
 * no text knows is kept as written.
 */
export const REASONS = {
  // checkpoint.ts
  checkpointLines: { en: 'its text needs an origin, a size and a root hash, one a line', 'zh-CN': '其正文须依次逐行写明来源、事件数和根哈希' },
  checkpointSize: { en: 'its size {size} is not a whole number', 'zh-CN': '其事件数 {size} 不是整数' },
  checkpointRoot: { en: 'its root hash {root} is not 32 bytes of base64', 'zh-CN': '其根哈希 {root} 不是 base64 编码的 32 字节' },
  checkpointTime: { en: 'it has no "time" line with an ISO 8601 time', 'zh-CN': '它没有写明 ISO 8601 时间的“time”行' },
  notSignedNote: { en: 'it is not a signed note (no blank line before its signatures)', 'zh-CN': '它不是签名文本（签名前没有空行）' },
  signatureLinesEnd: { en: 'its signature lines do not end with a line feed', 'zh-CN': '其签名行不以换行符结尾' },
  signatureLine: { en: 'its signature line {line} is not "— name base64"', 'zh-CN': '其签名行 {line} 不是“— 名称 base64”的形式' },
  signatureShort: { en: 'the signature by {name} is too short', 'zh-CN': '{name} 的签名太短' },
  signatureBad: {
    en: 'the signature by {name} does not verify: the checkpoint was altered or not signed by that key',
    'zh-CN': '{name} 的签名未通过核验：检查点被改动过，或并非由该密钥签名',
  },
  noSignature: { en: 'it has no signature by a key given ({names})', 'zh-CN': '它没有所给密钥（{names}）的签名' },
  none: { en: 'none', 'zh-CN': '无' },
  // keys.ts
  keyNameEmpty: { en: 'a key name may not be empty', 'zh-CN': '密钥名称不能为空' },
  keyName: { en: "key name {name} may not hold spaces, '+' or control characters", 'zh-CN': '密钥名称 {name} 不能含空格、“+”或控制字符' },
  keyNotBase64: { en: 'its key is not base64', 'zh-CN': '其密钥不是 base64 编码' },
  keyNotEd25519: { en: 'it is not an Ed25519 key (algorithm byte 0x01 and 32 bytes)', 'zh-CN': '它不是 Ed25519 密钥（算法字节 0x01 加 32 字节）' },
  verifierKeyForm: { en: 'a verifier key is name+keyid+key', 'zh-CN': '核验密钥的形式是 名称+密钥编号+密钥' },
  signerKeyForm: { en: 'a signer key is PRIVATE+KEY+name+keyid+key', 'zh-CN': '签名密钥的形式是 PRIVATE+KEY+名称+密钥编号+密钥' },
  keyIdDiffers: { en: 'its key id {id} does not match its key ({actual})', 'zh-CN': '其密钥编号 {id} 与密钥本身不符（应为 {actual}）' },
  // proof.ts
  proofTreeSize: { en: 'the proof is for a tree of {proof} events; the checkpoint is of {size}', 'zh-CN': '证明针对 {proof} 个事件的树；检查点是 {size} 个事件的' },
  proofPath: { en: 'its path is not a list of 64-digit hex hashes', 'zh-CN': '其路径不是 64 位十六进制哈希的列表' },
  proofHashVersion: { en: "its event's hash version {version} is unknown or it has no storedAt", 'zh-CN': '其事件的哈希版本 {version} 未知，或事件没有 storedAt' },
  proofPosition: { en: 'its event position {position} is not a position', 'zh-CN': '其事件位置 {position} 不是有效的位置' },
  notIncluded: {
    en: 'event {eventId} at position {position} is NOT in the log of {size} events the checkpoint signs',
    'zh-CN': '位置 {position} 的事件 {eventId} 不在检查点所签的 {size} 个事件的日志中',
  },
  proofSizes: {
    en: 'the proof is from {from} to {to} events; the checkpoints are of {older} and {newer}',
    'zh-CN': '证明是从 {from} 个事件到 {to} 个事件的；两个检查点分别是 {older} 个和 {newer} 个事件的',
  },
  notExtension: {
    en: 'the log of {newer} events is NOT an extension of the log of {older}: history before {older} was rewritten',
    'zh-CN': '{newer} 个事件的日志并非 {older} 个事件的日志的延续：前 {older} 个事件的历史被改写',
  },
  // receipt.ts
  notReceipt: { en: "it is a checkpoint, not a view's receipt (no {lines} line)", 'zh-CN': '它是检查点，不是导出视图的回执（没有 {lines} 行）' },
  viewAltered: {
    en: 'its SHA-256 is {actual}; the receipt signs {signed}: the file was altered or is another export',
    'zh-CN': '其 SHA-256 为 {actual}；回执所签的是 {signed}：文件被改动过，或是另一次导出',
  },
  // log.ts
  positionMissing: { en: 'position {position} is missing (the next event is at {next})', 'zh-CN': '缺少位置 {position}（下一个事件在位置 {next}）' },
  prevHash: { en: 'its prev_hash does not link to the hash of position {position}', 'zh-CN': '其 prev_hash 未链接到位置 {position} 的哈希' },
  hashVersionBack: { en: 'hash version {version} after version {previous}', 'zh-CN': '哈希版本 {version} 出现在版本 {previous} 之后' },
  hashVersion: { en: 'hash version {version} is unknown or it has no storedAt', 'zh-CN': '哈希版本 {version} 未知，或事件没有 storedAt' },
  hashDiffers: { en: "stored hash does not match the event's content", 'zh-CN': '存储的哈希与事件内容不符' },
  // entry.ts
  notObject: { en: 'it is not a JSON object', 'zh-CN': '它不是 JSON 对象' },
  field: { en: 'its "{name}" is not {what}', 'zh-CN': '其“{name}”不是{what}' },
  wholeFrom1: { en: 'a whole number ≥ 1', 'zh-CN': '≥ 1 的整数' },
  wholeFrom0: { en: 'a whole number ≥ 0', 'zh-CN': '≥ 0 的整数' },
  whole: { en: 'a whole number', 'zh-CN': '整数' },
  string: { en: 'a string', 'zh-CN': '字符串' },
  stringOrNull: { en: 'a string or null', 'zh-CN': '字符串或 null' },
  present: { en: 'present', 'zh-CN': '存在的值' },
  // unit-signatures.ts
  signedAlready: { en: 'signed mode is on already', 'zh-CN': '签名模式已经开启' },
  otherAdmin: {
    en: 'signed mode names an administrator key other than the pinned one ({keyId})',
    'zh-CN': '签名模式指定的管理员密钥不是您固定的那一个（{keyId}）',
  },
  keyEventOff: { en: 'a key event while signed mode is off', 'zh-CN': '签名模式关闭时出现了密钥事件' },
  adminSignature: { en: "the administrator's signature does not verify", 'zh-CN': '管理员的签名未通过核验' },
  registeredKey: { en: 'its key does not match key id {keyId}', 'zh-CN': '其密钥与密钥编号 {keyId} 不符' },
  unsigned: { en: 'recorded in signed mode without a signature', 'zh-CN': '在签名模式下记录却没有签名' },
  keyNotRegistered: {
    en: 'its key {keyId} was not registered and unrevoked when it was recorded',
    'zh-CN': '记录时其密钥 {keyId} 并非已登记且未吊销的密钥',
  },
  otherUnitKey: { en: "its key is {unit}'s, not the acting unit's", 'zh-CN': '其密钥属于{unit}，而不是上报单位的' },
  unitSignature: { en: 'its unit signature does not verify', 'zh-CN': '其单位签名未通过核验' },
  replayed: {
    en: 'replayed: its signature was already used at position {position} (a signature is accepted once)',
    'zh-CN': '重放：其签名已在位置 {position} 用过（一个签名只接受一次）',
  },
  signatures: {
    en: {
      one: "{count} signed report, correction or retraction verify against their units' keys; {unsigned} unsigned (recorded while signed mode was off)",
      other: "{count} signed reports, corrections or retractions verify against their units' keys; {unsigned} unsigned (recorded while signed mode was off)",
    },
    'zh-CN': { other: '{count} 个已签名的上报、更正或撤回均通过其单位密钥的核验；{unsigned} 个未签名（在签名模式关闭时记录）' },
  },
} as const satisfies Readonly<Record<string, Message>>;

const englishForms = (m: Message): string[] => (typeof m.en === 'string' ? [m.en] : [m.en.one, m.en.other].filter((t): t is string => t !== undefined));

const PATTERNS: readonly { readonly message: Message; readonly pattern: RegExp }[] = Object.values(REASONS as Readonly<Record<string, Message>>).flatMap(
  (message) => englishForms(message).map((text) => ({ message, pattern: messagePattern(text) })),
);

/** A reason the library wrote in English, in `lang`; one no text knows as it was written. */
export const sayReason = (lang: Language, sentence: string): string => {
  for (const { message, pattern } of PATTERNS) {
    const m = pattern.exec(sentence);
    if (!m) continue;
    const values: Values = Object.fromEntries(
      Object.entries(m.groups ?? {}).map(([name, v]) => [name, name === 'count' ? Number(v) : sayReason(lang, v)]),
    );
    return fill(formOf(lang, message[lang], values), values);
  }
  return sentence;
};
