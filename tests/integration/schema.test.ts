import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { migrate } from "../../scripts/migrations";
import { createTestDatabase } from "../support/services";
import { ROOT } from "../support/processes";

/**
 * schema.prisma and the database our SQL migrations produce must agree exactly: same tables,
 * columns, types, nullability, defaults, enums, indexes and foreign keys. `prisma migrate diff`
 * would tell us, but needs the native schema engine we cannot install; Prisma's own schema
 * parser (WASM) gives the DMMF, and Postgres's catalog gives the truth.
 */

interface DmmfField {
  name: string;
  kind: "scalar" | "enum" | "object";
  type: string;
  isRequired: boolean;
  isId: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  nativeType: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  dbName?: string | null;
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface Dmmf {
  datamodel: {
    models: DmmfModel[];
    enums: { name: string; values: { name: string }[] }[];
    indexes: { model: string; type: "id" | "unique" | "normal" | "fulltext"; fields: { name: string }[] }[];
  };
}

const require = createRequire(import.meta.url);
const wasm = require("@prisma/prisma-schema-wasm") as { get_dmmf(params: string): string };
const dmmf: Dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: readFileSync(path.join(ROOT, "prisma", "schema.prisma"), "utf8") })));
const models = dmmf.datamodel.models;
const tableOf = (model: string) => models.find((m) => m.name === model)?.dbName ?? model;
const columnOf = (model: string, field: string) => models.find((m) => m.name === model)?.fields.find((f) => f.name === field)?.dbName ?? field;

describe("schema.prisma and the migrated database", () => {
  let client: pg.Client;

  beforeAll(async () => {
    // A database migrated from nothing, right here (not the shared template), so this test covers migrate().
    const url = await createTestDatabase(inject("pgServerUrl"), "schema");
    client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA public CASCADE; CREATE SCHEMA public;`);
    await migrate(url);
  });
  afterAll(async () => client?.end());

  const query = async <T extends pg.QueryResultRow>(sql: string) => (await client.query<T>(sql)).rows;

  it("has exactly the models' tables", async () => {
    const tables = await query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const actual = tables
      .map((t) => t.table_name)
      .filter((t) => t !== "_prisma_migrations")
      .sort();
    expect(actual).toEqual(models.map((m) => m.dbName ?? m.name).sort());
  });

  it("has exactly the scalar fields as columns, with matching type, nullability and default", async () => {
    const columns = await query<{
      table_name: string;
      column_name: string;
      data_type: string;
      udt_name: string;
      is_nullable: string;
      column_default: string | null;
      numeric_precision: number | null;
      numeric_scale: number | null;
      datetime_precision: number | null;
    }>(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default, numeric_precision, numeric_scale, datetime_precision
       FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
    );
    const expected = models.flatMap((model) =>
      model.fields
        .filter((f) => f.kind !== "object")
        .map((field) => ({
          table: model.dbName ?? model.name,
          column: field.dbName ?? field.name,
          type: expectedType(field),
          nullable: !field.isRequired,
          default: expectedDefault(field),
        })),
    );
    const actual = columns.map((c) => ({
      table: c.table_name,
      column: c.column_name,
      type: actualType(c),
      nullable: c.is_nullable === "YES",
      default: normaliseDefault(c.column_default),
    }));
    const key = (c: { table: string; column: string }) => `${c.table}.${c.column}`;
    expect(actual.sort((a, b) => key(a).localeCompare(key(b)))).toEqual(expected.sort((a, b) => key(a).localeCompare(key(b))));
  });

  it("has exactly the enums", async () => {
    const rows = await query<{ name: string; values: string[] }>(
      `SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
       FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = 'public' GROUP BY t.typname`,
    );
    expect(rows.sort((a, b) => a.name.localeCompare(b.name))).toEqual(
      dmmf.datamodel.enums.map((e) => ({ name: e.name, values: e.values.map((v) => v.name) })).sort((a, b) => a.name.localeCompare(b.name)),
    );
  });

  it("has exactly the primary keys, unique constraints and indexes", async () => {
    const rows = await query<{ table: string; primary: boolean; unique: boolean; columns: string[] }>(
      `SELECT c.relname AS table, ix.indisprimary AS primary, ix.indisunique AS unique,
              array_agg(a.attname::text ORDER BY k.ord) AS columns
       FROM pg_index ix
       JOIN pg_class c ON c.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
       WHERE n.nspname = 'public' AND c.relname <> '_prisma_migrations'
       GROUP BY ix.indexrelid, c.relname, ix.indisprimary, ix.indisunique`,
    );
    const describe = (r: { table: string; kind: string; columns: string[] }) => `${r.table} ${r.kind} (${r.columns.join(", ")})`;
    const actual = rows.map((r) => describe({ table: r.table, kind: r.primary ? "id" : r.unique ? "unique" : "normal", columns: r.columns })).sort();
    const expected = dmmf.datamodel.indexes
      .map((i) => describe({ table: tableOf(i.model), kind: i.type, columns: i.fields.map((f) => columnOf(i.model, f.name)) }))
      .sort();
    expect(actual).toEqual(expected);
  });

  it("has exactly the relations as foreign keys, with their referential actions", async () => {
    const rows = await query<{ table: string; columns: string[]; ref_table: string; ref_columns: string[]; on_delete: string; on_update: string }>(
      `SELECT cl.relname AS table, fcl.relname AS ref_table, con.confdeltype AS on_delete, con.confupdtype AS on_update,
         (SELECT array_agg(att.attname::text ORDER BY u.ord) FROM unnest(con.conkey) WITH ORDINALITY u(attnum, ord)
            JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = u.attnum) AS columns,
         (SELECT array_agg(att.attname::text ORDER BY u.ord) FROM unnest(con.confkey) WITH ORDINALITY u(attnum, ord)
            JOIN pg_attribute att ON att.attrelid = con.confrelid AND att.attnum = u.attnum) AS ref_columns
       FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid JOIN pg_class fcl ON fcl.oid = con.confrelid
       WHERE con.contype = 'f'`,
    );
    const ACTIONS: Record<string, string> = { a: "NoAction", r: "Restrict", c: "Cascade", n: "SetNull", d: "SetDefault" };
    const actual = rows
      .map((r) => `${r.table}(${r.columns}) → ${r.ref_table}(${r.ref_columns}) delete ${ACTIONS[r.on_delete]} update ${ACTIONS[r.on_update]}`)
      .sort();
    const expected = models
      .flatMap((model) =>
        model.fields
          .filter((f) => f.kind === "object" && f.relationFromFields?.length)
          .map((f) => {
            const required = f.relationFromFields?.every((name) => model.fields.find((x) => x.name === name)?.isRequired);
            const onDelete = f.relationOnDelete ?? (required ? "Restrict" : "SetNull");
            const from = f.relationFromFields?.map((name) => columnOf(model.name, name));
            const to = f.relationToFields?.map((name) => columnOf(f.type, name));
            return `${model.dbName ?? model.name}(${from}) → ${tableOf(f.type)}(${to}) delete ${onDelete} update Cascade`;
          }),
      )
      .sort();
    expect(actual).toEqual(expected);
  });
});

/** The Postgres type Prisma maps a field to (Prisma's defaults, or the @db native type). */
function expectedType(field: DmmfField): string {
  if (field.kind === "enum") return `enum ${field.type}`;
  const [native, args] = field.nativeType ?? [null, []];
  if (native === "Uuid") return "uuid";
  if (native === "Decimal") return `numeric(${args.join(",")})`;
  if (native) throw new Error(`add a mapping for @db.${native}`);
  const defaults: Record<string, string> = {
    String: "text",
    Int: "integer",
    BigInt: "bigint",
    Float: "double precision",
    Boolean: "boolean",
    DateTime: "timestamp(3)",
    Decimal: "numeric(65,30)",
    Json: "jsonb",
  };
  const type = defaults[field.type];
  if (!type) throw new Error(`add a mapping for ${field.type}`);
  return type;
}

function actualType(c: {
  data_type: string;
  udt_name: string;
  numeric_precision: number | null;
  numeric_scale: number | null;
  datetime_precision: number | null;
}): string {
  if (c.data_type === "USER-DEFINED") return `enum ${c.udt_name}`;
  if (c.data_type === "numeric") return `numeric(${c.numeric_precision},${c.numeric_scale})`;
  if (c.data_type === "timestamp without time zone") return `timestamp(${c.datetime_precision})`;
  return c.data_type;
}

/** The default as Postgres would print it, from the DMMF default. */
function expectedDefault(field: DmmfField): string | null {
  if (!field.hasDefaultValue) return null;
  const value = field.default;
  if (value && typeof value === "object" && "name" in value) {
    const fn = value as { name: string; args: unknown[] };
    if (fn.name === "now") return "CURRENT_TIMESTAMP";
    if (fn.name === "autoincrement") return "nextval";
    if (fn.name === "dbgenerated") return String(fn.args[0]);
    throw new Error(`add a mapping for @default(${fn.name}())`);
  }
  if (field.kind === "enum") return `'${String(value)}'::"${field.type}"`;
  return String(value);
}

function normaliseDefault(value: string | null): string | null {
  if (value === null) return null;
  if (value.startsWith("nextval(")) return "nextval";
  return value;
}
