import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { BadInputError } from '../../common/errors.js';

/** A cell as the importer sees it: text (trimmed), or a date an XLSX cell holds as one. */
export type Cell = string | Date;

export interface SheetRow {
  /** The row's number in the spreadsheet (1 is the first line). */
  row: number;
  cells: Cell[];
}

export type ImportFormat = 'xlsx' | 'csv';

/** The format of a file by its first bytes: XLSX is a ZIP archive; anything else is read as CSV text. */
export function sniffFormat(bytes: Buffer): ImportFormat {
  return bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50 ? 'xlsx' : 'csv';
}

function cellOf(value: unknown): Cell {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText))
      return (v.richText as { text?: string }[])
        .map((r) => r.text ?? '')
        .join('')
        .trim();
    if ('result' in v) return cellOf(v.result);
    if (typeof v.text === 'string') return v.text.trim();
    if ('error' in v) return '';
  }
  return String(value).trim();
}

/**
 * The rows of the first sheet of an XLSX file, streamed (exceljs' WorkbookReader: the workbook
 * is never held whole), or of a CSV file (UTF-8, comma or semicolon separated); blank rows skipped.
 */
export async function* readRows(bytes: Buffer, format: ImportFormat): AsyncGenerator<SheetRow> {
  if (format === 'csv') {
    yield* readCsv(bytes);
    return;
  }
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'emit',
  });
  let first = true;
  try {
    for await (const sheet of reader) {
      for await (const row of sheet as AsyncIterable<ExcelJS.Row>) {
        if (!first) continue;
        const values = (row.values as unknown[]).slice(1).map(cellOf);
        if (values.some((v) => v !== '')) yield { row: row.number, cells: values };
      }
      first = false;
    }
  } catch (error) {
    if (error instanceof BadInputError) throw error;
    throw new BadInputError(
      'file',
      `The file is not a readable XLSX workbook (${String((error as Error).message).slice(0, 120)})`,
    );
  }
}

function* readCsv(bytes: Buffer): Generator<SheetRow> {
  let text = bytes.toString('utf8');
  if (text.includes('\uFFFD')) throw new BadInputError('file', 'The CSV file is not UTF-8 text');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  const sep = firstLine.split(';').length > firstLine.split(',').length ? ';' : ',';
  let row = 1;
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  const done = () => {
    cells.push(cell);
    const out = { row, cells: cells.map((c) => c.trim()) };
    cells = [];
    cell = '';
    return out;
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
      continue;
    }
    if (ch === '"' && cell.trim() === '') {
      cell = '';
      quoted = true;
    } else if (ch === sep) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      const out = done();
      if (out.cells.some((c) => c !== '')) yield out;
      row++;
    } else cell += ch;
  }
  if (quoted) throw new BadInputError('file', `Row ${row}: a quoted value is never closed`);
  const last = done();
  if (last.cells.some((c) => c !== '')) yield last;
}
