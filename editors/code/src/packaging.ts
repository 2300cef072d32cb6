// Platform-specific packages (package-platform.sh): the vsce targets that carry a server binary,
// the binary's file name per platform, a check that a binary is built for a target (from its
// header), and a reader of a .vsix's file list with the Unix modes. Pure; the extension itself
// only uses `serverFileName`.

/** vsce targets a platform .vsix can be built for (`web` carries no binary). */
export const TARGETS = [
  'linux-x64',
  'linux-arm64',
  'linux-armhf',
  'alpine-x64',
  'alpine-arm64',
  'darwin-x64',
  'darwin-arm64',
  'win32-x64',
  'win32-arm64',
] as const;
export type Target = (typeof TARGETS)[number];

export function isTarget(s: string): s is Target {
  return (TARGETS as readonly string[]).includes(s);
}

/** The server's file name inside the extension: `dep-ls`, or `dep-ls.exe` on Windows. */
export function serverFileName(platform: string): string {
  return platform === 'win32' || platform.startsWith('win32-') ? 'dep-ls.exe' : 'dep-ls';
}

/** Path of the bundled server inside the extension, relative to its root (`/` separators). */
export function bundledRelativePath(platform: string): string {
  return `server/${serverFileName(platform)}`;
}

export type BinaryFormat = 'elf' | 'macho' | 'pe';
export type Arch = 'x64' | 'arm64' | 'armhf';
export interface BinaryKind {
  format: BinaryFormat;
  /** Architectures in the file (a macOS universal binary has several). */
  archs: Arch[];
}

const u16le = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const u32le = (b: Uint8Array, o: number) => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;
const u32be = (b: Uint8Array, o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;

function machArch(cpu: number): Arch | undefined {
  if (cpu === 0x01000007) return 'x64';
  if (cpu === 0x0100000c) return 'arm64';
  return undefined;
}

/** What an executable's first bytes say it is; undefined when it is none of ELF, Mach-O, PE. */
export function detectBinary(b: Uint8Array): BinaryKind | undefined {
  if (b.length >= 20 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46) {
    // e_machine (little-endian files: every target here is).
    const m = u16le(b, 18);
    const arch: Arch | undefined = m === 0x3e ? 'x64' : m === 0xb7 ? 'arm64' : m === 0x28 ? 'armhf' : undefined;
    return { format: 'elf', archs: arch ? [arch] : [] };
  }
  if (b.length >= 8 && u32le(b, 0) === 0xfeedfacf) {
    const arch = machArch(u32le(b, 4));
    return { format: 'macho', archs: arch ? [arch] : [] };
  }
  if (b.length >= 8 && u32be(b, 0) === 0xcafebabe) {
    // Universal (fat) Mach-O: big-endian header, 20-byte entries.
    const n = u32be(b, 4);
    const archs: Arch[] = [];
    for (let i = 0; i < n && 8 + 20 * i + 4 <= b.length; i++) {
      const a = machArch(u32be(b, 8 + 20 * i));
      if (a && !archs.includes(a)) archs.push(a);
    }
    return { format: 'macho', archs };
  }
  if (b.length >= 0x40 && b[0] === 0x4d && b[1] === 0x5a) {
    const pe = u32le(b, 0x3c);
    if (pe + 6 <= b.length && b[pe] === 0x50 && b[pe + 1] === 0x45 && b[pe + 2] === 0 && b[pe + 3] === 0) {
      const m = u16le(b, pe + 4);
      const arch: Arch | undefined = m === 0x8664 ? 'x64' : m === 0xaa64 ? 'arm64' : undefined;
      return { format: 'pe', archs: arch ? [arch] : [] };
    }
  }
  return undefined;
}

/** Undefined when the binary fits the target; otherwise why not. */
export function binaryMismatch(target: Target, header: Uint8Array): string | undefined {
  const [os, arch] = target.split('-') as [string, Arch];
  const want: BinaryFormat = os === 'win32' ? 'pe' : os === 'darwin' ? 'macho' : 'elf';
  const names: Record<BinaryFormat, string> = { elf: 'an ELF (Linux) executable', macho: 'a Mach-O (macOS) executable', pe: 'a PE (Windows) executable' };
  const got = detectBinary(header);
  if (!got) return `it is not an executable for any platform (neither ELF, Mach-O nor PE); ${target} needs ${names[want]}`;
  if (got.format !== want) return `it is ${names[got.format]}; ${target} needs ${names[want]}`;
  if (!got.archs.includes(arch)) {
    return `it is built for ${got.archs.length ? got.archs.join(' + ') : 'an unknown architecture'}; ${target} needs ${arch}`;
  }
  return undefined;
}

export interface ZipEntry {
  name: string;
  /** Unix mode from the external attributes (0 when the archive was made elsewhere). */
  mode: number;
}

/** The entries of a zip archive (a .vsix), from its central directory. Throws on a broken file. */
export function zipEntries(zip: Uint8Array): ZipEntry[] {
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (u32le(zip, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  const count = u16le(zip, eocd + 10);
  let p = u32le(zip, eocd + 16);
  const out: ZipEntry[] = [];
  for (let i = 0; i < count; i++) {
    if (p + 46 > zip.length || u32le(zip, p) !== 0x02014b50) throw new Error(`broken zip central directory at entry ${i}`);
    const nameLen = u16le(zip, p + 28);
    const extraLen = u16le(zip, p + 30);
    const commentLen = u16le(zip, p + 32);
    const attrs = u32le(zip, p + 38);
    const name = new TextDecoder().decode(zip.subarray(p + 46, p + 46 + nameLen));
    out.push({ name, mode: attrs >>> 16 });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** Undefined when a platform .vsix carries its server as it should; otherwise what is wrong. */
export function vsixProblem(entries: ZipEntry[], target: Target): string | undefined {
  const want = `extension/${bundledRelativePath(target)}`;
  const e = entries.find((x) => x.name === want);
  if (!e) return `${want} is missing`;
  if (!target.startsWith('win32-') && (e.mode & 0o111) === 0) return `${want} is not executable in the archive (mode ${e.mode.toString(8)})`;
  const others = entries.filter((x) => x.name.startsWith('extension/server/') && x.name !== want).map((x) => x.name);
  if (others.length) return `unexpected files next to the server: ${others.join(', ')}`;
  return undefined;
}
