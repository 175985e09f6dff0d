/**
 * Each part of the app is typechecked with its own tsconfig, so that code meant for the renderer or
 * the worker cannot reach for Electron or Node. A file importing them is compiled, in memory, as if
 * it lay in each folder.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.join(import.meta.dirname, '../..');

function diagnosticsFor(folder: string, source: string): string[] {
  const configPath = path.join(ROOT, folder, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, path.dirname(configPath));
  const probe = path.join(ROOT, folder, '__boundary_probe__.ts');
  const host = ts.createCompilerHost(parsed.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    path.resolve(fileName) === probe
      ? ts.createSourceFile(fileName, source, languageVersion)
      : getSourceFile(fileName, languageVersion, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (fileName) => path.resolve(fileName) === probe || fileExists(fileName);
  const program = ts.createProgram({ rootNames: [probe], options: parsed.options, host });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file && path.resolve(d.file.fileName) === probe)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

const ELECTRON = `import { app } from 'electron';\nexport const probe = app;\n`;
const NODE = `import fs from 'node:fs';\nexport const probe = fs;\n`;

describe('part boundaries', () => {
  for (const folder of ['src-renderer', 'src-worker', 'src-shared']) {
    it(`${folder} cannot import electron or node modules`, () => {
      expect(diagnosticsFor(folder, ELECTRON).join('\n')).toMatch(/is not a module/);
      expect(diagnosticsFor(folder, NODE).join('\n')).toMatch(/Cannot find (module|name) 'node:fs'/);
    });
  }

  it('src-main may use both', () => {
    expect(diagnosticsFor('src-main', ELECTRON)).toEqual([]);
    expect(diagnosticsFor('src-main', NODE)).toEqual([]);
  });
});
