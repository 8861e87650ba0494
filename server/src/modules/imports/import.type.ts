import { Arg, Field, ID, Int, ObjectType } from 'type-graphql';
import { ImportKind, ImportOutcome, ImportReason } from './import-columns.js';
import { reasonMessage, type RowResult } from './import-plan.js';

@ObjectType('ImportRow', {
  description: "One row's outcome: would create, would update, unchanged, or refused with the column and the reason",
})
export class ImportRowType {
  @Field(() => Int, { description: 'The row number in the spreadsheet (the header is row 1)' })
  row!: number;

  @Field(() => ImportOutcome)
  outcome!: ImportOutcome;

  @Field(() => String, { description: 'The unit code, username or task reference of the row' })
  key!: string;

  @Field(() => String, { nullable: true, description: 'The column at fault (its key: code, parentCode, dueOn, …)' })
  column!: string | null;

  @Field(() => ImportReason, { nullable: true })
  reason!: ImportReason | null;

  @Field(() => String, { nullable: true, description: 'What the reason refers to: a code, a date, a row number' })
  detail!: string | null;

  @Field(() => String, { nullable: true, description: 'The reason in English words' })
  message!: string | null;

  static from(r: RowResult): ImportRowType {
    return Object.assign(new ImportRowType(), r, { message: r.reason ? reasonMessage(r.reason, r.detail) : null });
  }
}

@ObjectType('ActivationCodeSheet', {
  description: 'One-time activation codes as an XLSX workbook: the only copy, the server keeps their hashes alone',
})
export class ActivationCodeSheetType {
  @Field(() => String)
  fileName!: string;

  @Field(() => String, { description: 'The XLSX file, base64' })
  contentBase64!: string;

  @Field(() => Int)
  count!: number;

  @Field(() => Date)
  expiresAt!: Date;
}

@ObjectType('ImportReport')
export class ImportReportType {
  @Field(() => ID)
  uploadId!: string;

  @Field(() => ImportKind)
  kind!: ImportKind;

  @Field(() => Boolean, { description: 'False for a dry run' })
  applied!: boolean;

  @Field(() => Int)
  totalRows!: number;

  @Field(() => Int)
  created!: number;

  @Field(() => Int)
  updated!: number;

  @Field(() => Int)
  unchanged!: number;

  @Field(() => Int)
  refused!: number;

  /** The first rows and the refused rows, in file order (held for the field below; see ImportReport.rows). */
  allRows!: RowResult[];

  @Field(() => [ImportRowType], { description: 'Rows in file order, refused ones first when `refusedFirst`; at most 5,000' })
  rows(
    @Arg('first', () => Int, { defaultValue: 1000 }) first: number,
    @Arg('refusedFirst', () => Boolean, { defaultValue: true }) refusedFirst: boolean,
  ): ImportRowType[] {
    const n = Math.max(0, Math.min(first, 5000));
    const ordered = refusedFirst
      ? [
          ...this.allRows.filter((r) => r.outcome === ImportOutcome.REFUSED),
          ...this.allRows.filter((r) => r.outcome !== ImportOutcome.REFUSED),
        ]
      : this.allRows;
    return ordered.slice(0, n).map(ImportRowType.from);
  }

  @Field(() => ActivationCodeSheetType, {
    nullable: true,
    description: 'For accounts created by an applied import: download it now, it is not kept',
  })
  activationCodes!: ActivationCodeSheetType | null;
}

@ObjectType('ImportProgress')
export class ImportProgressType {
  @Field(() => String, { description: 'UPLOADED, APPLYING or APPLIED' })
  state!: string;

  @Field(() => String, { nullable: true, description: 'read, check or write while applying' })
  phase!: string | null;

  @Field(() => Int)
  processed!: number;

  @Field(() => Int, { nullable: true })
  total!: number | null;
}
