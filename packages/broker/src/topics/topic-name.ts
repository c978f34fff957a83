/** Kafka's topic-name rules (common/internals/Topic.java): why `name` is invalid, or null. */
export function invalidTopicNameReason(name: string): string | null {
  if (name.length === 0) return "Topic name is illegal, it can't be empty";
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."';
  // 249 leaves room for the partition suffix and Kafka's "-delete" renames within 255-byte file names.
  if (name.length > 249)
    return `Topic name is illegal, it can't be longer than 249 characters, topic name: ${name}`;
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`;
  }
  return null;
}
