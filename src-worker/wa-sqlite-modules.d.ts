// wa-sqlite ships its VFS classes as JavaScript without declarations; these are the parts Corgi uses.
declare module '@journeyapps/wa-sqlite/src/FacadeVFS.js' {
  export class FacadeVFS {
    constructor(name: string, module: object);
    name: string;
    jOpen(name: string | null, fileId: number, flags: number, outFlags: DataView): number | Promise<number>;
    jDelete(name: string, syncDir: number): number | Promise<number>;
    jAccess(name: string, flags: number, result: DataView): number | Promise<number>;
    jClose(fileId: number): number | Promise<number>;
    jRead(fileId: number, data: Uint8Array, offset: number): number | Promise<number>;
    jWrite(fileId: number, data: Uint8Array, offset: number): number | Promise<number>;
    jTruncate(fileId: number, size: number): number | Promise<number>;
    jSync(fileId: number, flags: number): number | Promise<number>;
    jFileSize(fileId: number, size: DataView): number | Promise<number>;
    jSectorSize(fileId: number): number;
    jDeviceCharacteristics(fileId: number): number;
    close(): void | Promise<void>;
    isReady(): boolean | Promise<boolean>;
  }
}

declare module '@journeyapps/wa-sqlite/src/examples/MemoryVFS.js' {
  import { FacadeVFS } from '@journeyapps/wa-sqlite/src/FacadeVFS.js';
  export class MemoryVFS extends FacadeVFS {
    static create(name: string, module: object): Promise<MemoryVFS>;
  }
}

declare module '@journeyapps/wa-sqlite/src/examples/AccessHandlePoolVFS.js' {
  import { FacadeVFS } from '@journeyapps/wa-sqlite/src/FacadeVFS.js';
  export class AccessHandlePoolVFS extends FacadeVFS {
    static create(name: string, module: object): Promise<AccessHandlePoolVFS>;
    getSize(): number;
    getCapacity(): number;
    addCapacity(n: number): Promise<number>;
  }
}

declare module '*.wasm?url' {
  const url: string;
  export default url;
}
