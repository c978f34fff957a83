/** One login module entry of a JAAS configuration: class, control flag, options. */
export interface JaasEntry {
  loginModule: string;
  flag: string;
  options: Map<string, string>;
}

/**
 * Parses the value of Kafka's `sasl.jaas.config` (JaasConfig.java's grammar):
 * `<LoginModuleClass> <required|requisite|sufficient|optional> key=value ... ;` with values
 * quoted ("...", backslash escapes) or bare. Returns a reason string when the text is not JAAS.
 */
export function parseJaasConfig(text: string): JaasEntry[] | string {
  const tokens: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|;|=|[^\s;="]+)/gy;
  let pos = 0;
  for (;;) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) break;
    tokens.push(m[1]!);
    pos = re.lastIndex;
  }
  if (text.slice(pos).trim() !== '')
    return `cannot read the JAAS configuration near '${text.slice(pos, pos + 20)}'`;
  const entries: JaasEntry[] = [];
  let i = 0;
  while (i < tokens.length) {
    const loginModule = tokens[i++]!;
    const flag = tokens[i++];
    if (flag === undefined || !/^(required|requisite|sufficient|optional)$/i.test(flag)) {
      return `login module ${loginModule} needs a control flag (required, requisite, sufficient or optional)`;
    }
    const options = new Map<string, string>();
    while (i < tokens.length && tokens[i] !== ';') {
      const key = tokens[i++]!;
      const raw = tokens[i + 1];
      if (tokens[i] !== '=' || raw === undefined || raw === ';' || raw === '=') {
        return `option ${key} of ${loginModule} has no value`;
      }
      i += 2;
      options.set(key, raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw);
    }
    if (tokens[i++] !== ';') return `login module ${loginModule} is not ended by ';'`;
    entries.push({ loginModule, flag: flag.toLowerCase(), options });
  }
  if (entries.length === 0) return 'the JAAS configuration is empty';
  return entries;
}

/** The `user_<name>="<password>"` options of PlainLoginModule: Kafka's static PLAIN users. */
export function plainUsersFromJaas(entries: readonly JaasEntry[]): Map<string, string> {
  const users = new Map<string, string>();
  for (const e of entries) {
    for (const [k, v] of e.options) if (k.startsWith('user_') && k.length > 5) users.set(k.slice(5), v);
  }
  return users;
}
