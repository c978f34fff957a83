// snappyjs ships no types. Both functions return the same type as their input (Buffer in, Buffer out).
declare module 'snappyjs' {
  export function compress(input: Buffer): Buffer;
  export function uncompress(input: Buffer, maxLength?: number): Buffer;
}
