const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A message's text with `{name}` holes as a pattern that reads the sentence back: each name a
 * lazy group of any text, a name seen twice the same text again. Filling the text with the groups
 * gives the sentence word for word, so a reason written in one language can be said in another.
 */
export const messagePattern = (text: string): RegExp => {
  const seen = new Set<string>();
  const source = text
    .split(/(\{\w+\})/)
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      if (name === undefined) return escape(part);
      if (seen.has(name)) return `\\k<${name}>`;
      seen.add(name);
      return `(?<${name}>[\\s\\S]*?)`;
    })
    .join('');
  return new RegExp(`^${source}$`);
};
