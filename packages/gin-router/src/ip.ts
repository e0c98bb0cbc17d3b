/**
 * IP addresses and CIDR ranges for `c.clientIP()` and trusted proxies — Go's `net.ParseIP`,
 * `net.ParseCIDR`, `IPNet.Contains` and `IP.String`, on 16-byte arrays (IPv4 as `::ffff:a.b.c.d`,
 * as Go stores it).
 */

/** A parsed address: 16 bytes; `v4` when it was written as (or maps) an IPv4 address. */
export interface IP {
  readonly bytes: Uint8Array;
  readonly v4: boolean;
}

/** A CIDR range. */
export interface IPNet {
  readonly ip: Uint8Array;
  readonly bits: number; // prefix length over the 16-byte form
  readonly v4: boolean;
}

function parseV4(s: string, out: Uint8Array, at: number): boolean {
  const parts = s.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i] as string;
    // Go rejects empty fields, leading zeros and values above 255.
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p[0] === '0')) return false;
    const n = Number(p);
    if (n > 255) return false;
    out[at + i] = n;
  }
  return true;
}

/** Parses an IPv4 or IPv6 address (no zone, no brackets); `undefined` if invalid. Go: `ParseIP`. */
export function parseIP(s: string): IP | undefined {
  const b = new Uint8Array(16);
  if (s.includes('.') && !s.includes(':')) {
    b[10] = 0xff;
    b[11] = 0xff;
    return parseV4(s, b, 12) ? { bytes: b, v4: true } : undefined;
  }
  if (!s.includes(':') || s.includes('%')) return undefined;
  let head = s;
  let tail = '';
  const dc = s.indexOf('::');
  if (dc !== -1) {
    head = s.slice(0, dc);
    tail = s.slice(dc + 2);
    if (tail.includes('::')) return undefined;
  }
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    const fields = part.split(':');
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i] as string;
      if (i === fields.length - 1 && f.includes('.')) {
        const v4 = new Uint8Array(4);
        if (!parseV4(f, v4, 0)) return undefined;
        out.push(((v4[0] as number) << 8) | (v4[1] as number));
        out.push(((v4[2] as number) << 8) | (v4[3] as number));
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(f)) return undefined;
      out.push(Number.parseInt(f, 16));
    }
    return out;
  };
  const h = groups(head);
  const t = groups(tail);
  if (h === undefined || t === undefined) return undefined;
  if (dc === -1 ? h.length !== 8 : h.length + t.length > 7) return undefined;
  const all = [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
  for (let i = 0; i < 8; i++) {
    b[2 * i] = (all[i] as number) >> 8;
    b[2 * i + 1] = (all[i] as number) & 0xff;
  }
  return { bytes: b, v4: isV4Mapped(b) };
}

function isV4Mapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** Go's `IP.String`: dotted quad for IPv4 (and v4-mapped), RFC 5952 for IPv6. */
export function ipString(ip: IP): string {
  const b = ip.bytes;
  if (isV4Mapped(b)) return `${b[12]}.${b[13]}.${b[14]}.${b[15]}`;
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push(((b[2 * i] as number) << 8) | (b[2 * i + 1] as number));
  let bestAt = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestAt = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestAt === -1) return hex.join(':');
  return `${hex.slice(0, bestAt).join(':')}::${hex.slice(bestAt + bestLen).join(':')}`;
}

/**
 * Parses `a.b.c.d/n` or `x::y/n`. A bare address gets /32 or /128 (gin's `prepareTrustedCIDRs`).
 * @throws {Error} `invalid IP address: X` or `invalid CIDR address: X`, as Go words them.
 */
export function parseCIDR(s: string): IPNet {
  const slash = s.indexOf('/');
  if (slash === -1) {
    const ip = parseIP(s);
    if (ip === undefined) throw new Error(`invalid IP address: ${s}`);
    return { ip: ip.bytes, bits: 128, v4: ip.v4 };
  }
  const ip = parseIP(s.slice(0, slash));
  const bitsText = s.slice(slash + 1);
  const max = ip?.v4 && !s.slice(0, slash).includes(':') ? 32 : 128;
  if (ip === undefined || !/^\d{1,3}$/.test(bitsText) || Number(bitsText) > max) {
    throw new Error(`invalid CIDR address: ${s}`);
  }
  const bits = Number(bitsText) + (max === 32 ? 96 : 0);
  const masked = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    masked[i] = (ip.bytes[i] as number) & ((0xff << (8 - keep)) & 0xff);
  }
  return { ip: masked, bits, v4: max === 32 || ip.v4 };
}

/** Reports whether `net` contains `ip`. Go: `IPNet.Contains` (an IPv4 net never holds IPv6). */
export function contains(net: IPNet, ip: IP): boolean {
  if (net.v4 !== ip.v4) return false;
  for (let i = 0; i < 16; i++) {
    const keep = Math.max(0, Math.min(8, net.bits - i * 8));
    if (keep === 0) break;
    const mask = (0xff << (8 - keep)) & 0xff;
    if (((ip.bytes[i] as number) & mask) !== net.ip[i]) return false;
  }
  return true;
}
