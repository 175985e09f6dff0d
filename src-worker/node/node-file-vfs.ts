/**
 * A synchronous wa-sqlite VFS over Node's file system, so the engine runs in Node exactly as in
 * the browser worker (tests, the command line, benchmarks). One process owns the files: locking
 * is left to the operating system's single writer, as with OPFS access handles.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FacadeVFS } from '@journeyapps/wa-sqlite/src/FacadeVFS.js';
import * as VFS from '@journeyapps/wa-sqlite/src/VFS.js';

interface OpenFile {
  fd: number;
  path: string;
  flags: number;
}

export class NodeFileVFS extends FacadeVFS {
  readonly #files = new Map<number, OpenFile>();

  constructor(
    name: string,
    module: unknown,
    readonly directory: string,
  ) {
    super(name, module as object);
    fs.mkdirSync(directory, { recursive: true });
  }

  #pathOf(name: string | null): string {
    const base = name
      ? path.basename(new URL(name, 'file:///').pathname)
      : `tmp-${Math.random().toString(36).slice(2)}`;
    return path.join(this.directory, base);
  }

  override jOpen(name: string | null, fileId: number, flags: number, outFlags: DataView): number {
    try {
      const filePath = this.#pathOf(name);
      const exists = fs.existsSync(filePath);
      if (!exists && !(flags & VFS.SQLITE_OPEN_CREATE)) return VFS.SQLITE_CANTOPEN;
      const mode = flags & VFS.SQLITE_OPEN_READONLY ? 'r' : exists ? 'r+' : 'w+';
      const fd = fs.openSync(filePath, mode);
      this.#files.set(fileId, { fd, path: filePath, flags });
      outFlags.setInt32(0, flags, true);
      return VFS.SQLITE_OK;
    } catch {
      return VFS.SQLITE_CANTOPEN;
    }
  }

  override jClose(fileId: number): number {
    const file = this.#files.get(fileId);
    if (!file) return VFS.SQLITE_OK;
    this.#files.delete(fileId);
    fs.closeSync(file.fd);
    if (file.flags & VFS.SQLITE_OPEN_DELETEONCLOSE) fs.rmSync(file.path, { force: true });
    return VFS.SQLITE_OK;
  }

  override jRead(fileId: number, proxy: Uint8Array, offset: number): number {
    const file = this.#files.get(fileId)!;
    // FacadeVFS passes a proxy over WebAssembly memory; subarray() gives the real view.
    const data = proxy.subarray();
    let read = 0;
    while (read < data.byteLength) {
      const n = fs.readSync(file.fd, data, read, data.byteLength - read, offset + read);
      if (n === 0) break;
      read += n;
    }
    if (read < data.byteLength) {
      data.fill(0, read);
      return VFS.SQLITE_IOERR_SHORT_READ;
    }
    return VFS.SQLITE_OK;
  }

  override jWrite(fileId: number, proxy: Uint8Array, offset: number): number {
    const file = this.#files.get(fileId)!;
    const data = proxy.subarray();
    let written = 0;
    while (written < data.byteLength) {
      written += fs.writeSync(file.fd, data, written, data.byteLength - written, offset + written);
    }
    return VFS.SQLITE_OK;
  }

  override jTruncate(fileId: number, size: number): number {
    fs.ftruncateSync(this.#files.get(fileId)!.fd, size);
    return VFS.SQLITE_OK;
  }

  override jSync(fileId: number): number {
    fs.fdatasyncSync(this.#files.get(fileId)!.fd);
    return VFS.SQLITE_OK;
  }

  override jFileSize(fileId: number, size: DataView): number {
    size.setBigInt64(0, BigInt(fs.fstatSync(this.#files.get(fileId)!.fd).size), true);
    return VFS.SQLITE_OK;
  }

  override jDelete(name: string): number {
    fs.rmSync(this.#pathOf(name), { force: true });
    return VFS.SQLITE_OK;
  }

  override jAccess(name: string, _flags: number, result: DataView): number {
    result.setInt32(0, fs.existsSync(this.#pathOf(name)) ? 1 : 0, true);
    return VFS.SQLITE_OK;
  }

  override jSectorSize(): number {
    return 4096;
  }

  override jDeviceCharacteristics(): number {
    return VFS.SQLITE_IOCAP_UNDELETABLE_WHEN_OPEN;
  }
}
