/*
 * What the plan's schema says of a value of the wrong shape (core/src/plan/schema.ts,
 * status-schema.ts, kinds/schemas.ts), said again in the reader's language like plan-problems.ts:
 * the schema's own sentences, and zod's (zod 4's English locale) for the few kinds of issue the
 * plan's schema can raise: a wrong type, a value not among the options, a list or text too short,
 * a number out of bounds, an unknown key, an unknown kind. The English must stay word for word
 * what core and zod write (plan-problems.unit.test.ts makes each with core's parser).
 */
export const schemaIssuesEn = {
  'schemaIssue.id': 'must be lower-case letters, digits and dashes, e.g. "t01-stations"',
  'schemaIssue.date': 'must be a date written YYYY-MM-DD',
  'schemaIssue.offset': 'must be a UTC offset such as "+08:00"',
  'schemaIssue.locale': 'must be a language the ledger speaks: "zh-CN" or "en"',
  'schemaIssue.decimal': 'must be a decimal number written as a string, e.g. "2.55"',
  'schemaIssue.negative': 'must not be negative',
  'schemaIssue.unitCode': 'must be a unit such as "个" or "万元": at most 16 characters, no digits, spaces or quotes',
  // zod's own (zod/v4/locales/en.js)
  'schemaIssue.zod.type': 'Invalid input: expected {expected}, received {received}',
  'schemaIssue.zod.literal': 'Invalid input: expected {expected}',
  'schemaIssue.zod.option': 'Invalid option: expected one of {options}',
  'schemaIssue.zod.discriminator': 'Invalid discriminator value. Expected {options}',
  'schemaIssue.zod.key': 'Unrecognized key: {keys}',
  'schemaIssue.zod.keys': 'Unrecognized keys: {keys}',
  'schemaIssue.zod.shortText': 'Too small: expected string to have >={min} characters',
  'schemaIssue.zod.fewItems': 'Too small: expected array to have >={min} items',
  'schemaIssue.zod.small': 'Too small: expected number to be {bound}',
  'schemaIssue.zod.big': 'Too big: expected number to be {bound}',
  // The types zod names ({expected}, {received} above).
  'schemaIssue.type.string': 'string',
  'schemaIssue.type.number': 'number',
  'schemaIssue.type.int': 'int',
  'schemaIssue.type.boolean': 'boolean',
  'schemaIssue.type.array': 'array',
  'schemaIssue.type.object': 'object',
} as const;

export const schemaIssuesZh: { readonly [K in keyof typeof schemaIssuesEn]: string } = {
  'schemaIssue.id': '须由小写字母、数字和连字符组成，例如 "t01-stations"',
  'schemaIssue.date': '须是写成 YYYY-MM-DD 的日期',
  'schemaIssue.offset': '须是 UTC 时差，如 "+08:00"',
  'schemaIssue.locale': '须是账本使用的语言之一："zh-CN" 或 "en"',
  'schemaIssue.decimal': '须是写成字符串的十进制数，例如 "2.55"',
  'schemaIssue.negative': '不能是负数',
  'schemaIssue.unitCode': '须是 "个" 或 "万元" 这样的单位：至多 16 个字符，不含数字、空格或引号',
  'schemaIssue.zod.type': '类型不对：应为{expected}，实为{received}',
  'schemaIssue.zod.literal': '值不对：应为 {expected}',
  'schemaIssue.zod.option': '不是可选的值：应为 {options} 之一',
  'schemaIssue.zod.discriminator': '类型（kind）不是可选的值：应为 {options} 之一',
  'schemaIssue.zod.key': '不认识的字段：{keys}',
  'schemaIssue.zod.keys': '不认识的字段：{keys}',
  'schemaIssue.zod.shortText': '太短：文字至少须有 {min} 个字符',
  'schemaIssue.zod.fewItems': '太少：列表至少须有 {min} 项',
  'schemaIssue.zod.small': '太小：数须 {bound}',
  'schemaIssue.zod.big': '太大：数须 {bound}',
  'schemaIssue.type.string': '字符串',
  'schemaIssue.type.number': '数',
  'schemaIssue.type.int': '整数',
  'schemaIssue.type.boolean': '布尔值（true 或 false）',
  'schemaIssue.type.array': '列表（[…]）',
  'schemaIssue.type.object': '对象（{…}）',
};
