// DEP- entry templates of each Type, read from the server's schema: `./schema.json` is
// `dep_ls::schema::to_json()` (src/schema/ in the dep-ls crate; a Rust test keeps it current,
// `UPDATE_SCHEMA=1 cargo test --lib schema::json` rewrites it). From it come the items of the
// "Insert DEP- Entry Template" picker, its snippet fallback when the server offers no template
// action, and `snippets/markdown.json` (`npm run schema`; a unit test keeps them equal).

import schema from './schema.json';

/** A DEP- entry Type (`Environment`, `Criteria`, …), as the schema names it. */
export type EntryType = string;

/** The Types, in the schema's order. */
export const ENTRY_TYPES: readonly EntryType[] = schema.types.map((t) => t.name);

/** The code action kind of the server's "Insert a DEP- <Type> entry" actions. */
export const TEMPLATE_ACTION_KIND: string = schema.templateAction.kind;

function typeOf(ty: EntryType): (typeof schema.types)[number] {
  const t = schema.types.find((x) => x.name === ty);
  if (!t) throw new Error(`not a DEP- entry Type: ${ty}`);
  return t;
}

/** The field keys of a template, in order. */
export function templateFields(ty: EntryType): string[] {
  return typeOf(ty).fields.map((f) => f.key);
}

/** Snippet body lines of an entry of Type `ty` (tab stops: ID number, title, then each field). */
export function snippetLines(ty: EntryType): string[] {
  return [...typeOf(ty).editorSnippet];
}

/** The items of the Type picker: each Type with what the schema says it is. */
export function pickerItems(): { label: EntryType; description: string }[] {
  return schema.types.map((t) => ({ label: t.name, description: t.description }));
}

/** The content of `snippets/markdown.json`. */
export function snippetFile(): Record<string, { prefix: string[]; description: string; body: string[] }> {
  const out: Record<string, { prefix: string[]; description: string; body: string[] }> = {};
  for (const ty of ENTRY_TYPES) {
    out[`DEP- ${ty} entry`] = {
      prefix: [`dep-${ty.toLowerCase()}`, `DEP ${ty}`],
      description: `A DEP- release-plan entry of Type ${ty} with all its fields`,
      body: snippetLines(ty),
    };
  }
  return out;
}

/**
 * Picks the server's "insert template" code action for `ty` among `actions`: by its kind
 * ({@link TEMPLATE_ACTION_KIND}) and its data (`{"template": "<Type>"}`), never by its title.
 */
export function pickTemplateAction<A extends { kind?: string | { value: string }; data?: unknown }>(
  actions: readonly A[],
  ty: EntryType,
): A | undefined {
  const key = schema.templateAction.dataKey;
  return actions.find((a) => {
    const kind = typeof a.kind === 'string' ? a.kind : a.kind?.value;
    if (kind !== TEMPLATE_ACTION_KIND) return false;
    const data = a.data;
    return typeof data === 'object' && data !== null && (data as Record<string, unknown>)[key] === ty;
  });
}
