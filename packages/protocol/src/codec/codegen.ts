/**
 * The small toolkit behind the generated decoders and encoders (see compile.ts for why the codec
 * is generated at all).
 *
 * Safety rules, kept here so every generator follows them: no value ever becomes source text.
 * Closures, constants and messages are passed to the generated function as parameters (`ref`);
 * property names are spliced only as JSON string literals (`prop`); the only other text spliced
 * is our own method names, integers, and identifiers reduced to [A-Za-z0-9_] (`identifier`).
 */

/** Collects the values one generated function refers to; each becomes one of its parameters. */
export class CodeScope {
  private readonly names: string[] = [];
  private readonly values: unknown[] = [];
  private readonly byValue = new Map<unknown, string>();

  /** The parameter name under which the generated code sees `value` (one per distinct object). */
  ref(value: unknown): string {
    // Primitives are not shared: a Map would merge 0 and -0.
    const shareable = typeof value === 'function' || (typeof value === 'object' && value !== null);
    let name = shareable ? this.byValue.get(value) : undefined;
    if (name === undefined) {
      name = `$${this.names.length}`;
      this.names.push(name);
      this.values.push(value);
      if (shareable) this.byValue.set(value, name);
    }
    return name;
  }

  /** Builds `function <name>(<params>) { <body> }` with every referenced value bound. */
  compile<F>(name: string, params: readonly string[], body: string): F {
    const source = `return function ${identifier(name)}(${params.join(', ')}) {\n${body}\n};`;
    return new Function(...this.names, source)(...this.values) as F;
  }
}

/** `o["name"]`-style access with the name as a JSON string literal, never as raw source. */
export function prop(object: string, name: string): string {
  if (name === '__proto__') throw new TypeError('a field may not be named __proto__');
  return `${object}[${JSON.stringify(name)}]`;
}

/** An object-literal entry `"name": expr`. */
export function entry(name: string, expr: string): string {
  if (name === '__proto__') throw new TypeError('a field may not be named __proto__');
  return `${JSON.stringify(name)}: ${expr}`;
}

/** A label (schema names, for profiles and stack traces) reduced to a safe identifier. */
export function identifier(label: string): string {
  const safe = label.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(safe) || safe === '' ? `_${safe}` : safe;
}

/** An integer spliced as source (minimum sizes, tags): refuses anything else. */
export function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new TypeError(`expected an integer in generated code, got ${n}`);
  return String(n);
}
