/**
 * A directory as a zip archive, in memory: what `cdk deploy` uploads for a function's code asset
 * (the CDK CLI zips the bundle directory; aws-cdk-lib only stages the directory). Entries are
 * deflated, sorted by name and stamped with one fixed time, so a directory always gives the same
 * bytes. No zip64: a function bundle is a few megabytes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_DIRECTORY = 0x06054b50;
const VERSION_DEFLATE = 20;
/** Made by Unix, so that the external attributes carry the file mode. */
const MADE_BY_UNIX = (3 << 8) | VERSION_DEFLATE;
const UTF8_NAMES = 0x0800;
const METHOD_DEFLATE = 8;
/** 1980-01-01 00:00 in MS-DOS date format, the earliest a zip can say. */
const FIXED_DATE = (1 << 5) | 1;
const REGULAR_FILE = 0o100000;

/** Every regular file under `dir`, as paths relative to it, sorted. */
const filesUnder = (dir: string): string[] =>
  (readdirSync(dir, { recursive: true }) as string[])
    .filter((path) => statSync(join(dir, path)).isFile())
    .sort();

export const zipDirectory = (dir: string): Buffer => {
  const files = filesUnder(dir);
  const entries: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const path of files) {
    const name = Buffer.from(path.split(sep).join('/'), 'utf8');
    const content = readFileSync(join(dir, path));
    const data = deflateRawSync(content);
    const checksum = crc32(content);
    const mode = REGULAR_FILE | (statSync(join(dir, path)).mode & 0o777);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(VERSION_DEFLATE, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(METHOD_DEFLATE, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(FIXED_DATE, 12);
    local.writeUInt32LE(checksum, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(content.length, 22);
    local.writeUInt16LE(name.length, 26);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_HEADER, 0);
    central.writeUInt16LE(MADE_BY_UNIX, 4);
    central.writeUInt16LE(VERSION_DEFLATE, 6);
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(METHOD_DEFLATE, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(FIXED_DATE, 14);
    central.writeUInt32LE(checksum, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(content.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(mode * 0x10000, 38);
    central.writeUInt32LE(offset, 42);

    entries.push(local, name, data);
    directory.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const centralDirectory = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_DIRECTORY, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...entries, centralDirectory, end]);
};
