import ExcelJS from 'exceljs';

export type Lang = 'vi' | 'en';

export interface Column {
  key: string;
  header: string;
  width?: number;
  /** Excel number format, e.g. '0.0%' for a rate. */
  numFmt?: string;
}

export type Cell = string | number | Date | null;

/** A table ready to write: a title, columns with headers in the chosen language, and rows. */
export interface Table {
  sheet: string;
  title: string;
  columns: Column[];
  rows: Record<string, Cell>[];
}

/** An XLSX workbook, one sheet per table: a title line, a bold header row, then the rows. */
export async function toXlsx(tables: Table[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Resolute';
  wb.created = new Date();
  for (const t of tables) {
    const ws = wb.addWorksheet(t.sheet.slice(0, 31));
    ws.addRow([t.title]).font = { bold: true, size: 13 };
    const header = ws.addRow(t.columns.map((c) => c.header));
    header.font = { bold: true };
    header.alignment = { wrapText: true, vertical: 'middle' };
    t.columns.forEach((c, i) => {
      const col = ws.getColumn(i + 1);
      col.width = c.width ?? 16;
      if (c.numFmt) col.numFmt = c.numFmt;
    });
    for (const r of t.rows) ws.addRow(t.columns.map((c) => r[c.key] ?? null));
    ws.views = [{ state: 'frozen', ySplit: 2 }];
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** CSV for spreadsheets: UTF-8 with a byte-order mark, CRLF, quoted where needed, no formulas. */
export function toCsv(t: Table): string {
  const cell = (v: Cell): string => {
    if (v === null || v === undefined) return '';
    // Dates without a time (due dates) print as the day alone.
    let s = v instanceof Date ? v.toISOString().replace(/T00:00:00\.000Z$/, '') : String(v);
    // A cell starting like a formula is text, never run by the spreadsheet.
    if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const lines = [
    t.columns.map((c) => cell(c.header)).join(','),
    ...t.rows.map((r) => t.columns.map((c) => cell(r[c.key] ?? null)).join(',')),
  ];
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
