/**
 * How a name is spelled whatever its case style: lower-case letters and digits only, so `tenantName`,
 * `tenant_name`, `TENANT-NAME` and "tenant name" compare equal.
 */
export function squash(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The number of spaces and tabs `line` starts with. */
export function indentOf(line: string): number {
  let at = 0;
  while (at < line.length && (line.charCodeAt(at) === 0x20 || line.charCodeAt(at) === 0x09)) at++;
  return at;
}
