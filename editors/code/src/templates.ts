// DEP- entry templates of each Type, as VS Code snippets. They mirror the server's templates
// (src/ide/complete.rs) and are the fallback of "Insert DEP- Entry Template" when the server
// offers no matching refactor; `snippets/markdown.json` is generated from the same data (a unit
// test keeps them equal).

export const ENTRY_TYPES = ['Environment', 'Criteria', 'Rollback', 'Validation', 'Step'] as const;
export type EntryType = (typeof ENTRY_TYPES)[number];

const REQUIRED: Record<EntryType, string[]> = {
  Environment: ['Name', 'Infrastructure', 'Configuration', 'Secrets', 'Access'],
  Criteria: ['Requirement', 'Verification', 'Blocker', 'Owner'],
  Rollback: ['Trigger', 'Threshold', 'Procedure', 'Notification'],
  Validation: ['Check', 'Method', 'Success Criteria', 'Escalation'],
  Step: [],
};

const TYPICAL_STAGE: Record<EntryType, string> = {
  Environment: 'Pre-deploy',
  Criteria: 'Pre-deploy',
  Rollback: 'Post-deploy',
  Validation: 'Post-deploy',
  Step: 'Pre-deploy',
};

const PLACEHOLDER: Record<string, string> = {
  Description: '[What this deployment item covers]',
  Name: '[staging | production | preview]',
  Infrastructure: '[Cloud provider, region, resources]',
  Configuration: '[Environment-specific settings]',
  Secrets: '[How secrets are managed]',
  Access: '[Who can deploy, who can access]',
  Requirement: '[What must be true]',
  Verification: '[How to check this]',
  Blocker: '[Yes | No]',
  Owner: '[Who verifies]',
  Trigger: '[What condition initiates rollback]',
  Threshold: '[Specific metric or condition]',
  Procedure: '[How to execute rollback]',
  Notification: '[Who to alert]',
  Check: '[What to verify post-deploy]',
  Method: '[Manual | Automated | Both]',
  'Success Criteria': '[Expected result]',
  Escalation: '[What if validation fails]',
  'Linked IDs': '[EPIC-XXX, API-XXX, TEST-XXX related]',
};

const CHOICES: Record<string, string[]> = {
  Stage: ['Pre-deploy', 'Deploy', 'Post-deploy', 'Rollback'],
  Name: ['staging', 'production', 'preview', 'development'],
  Blocker: ['Yes', 'No'],
  Method: ['Automated', 'Manual', 'Both'],
};

/** The field keys of a template, in order. */
export function templateFields(ty: EntryType): string[] {
  const keys = ['Type', 'Stage', 'Description', ...REQUIRED[ty]];
  if (!keys.includes('Owner')) keys.push('Owner');
  keys.push('Linked IDs');
  return keys;
}

/** Escapes text for a snippet placeholder. */
function esc(s: string): string {
  return s.replace(/[$}\\]/g, (c) => '\\' + c);
}

/** Snippet body lines of an entry of Type `ty` (tab stops: ID number, title, then each field). */
export function snippetLines(ty: EntryType): string[] {
  const lines = ['DEP-${1:001}: ${2:Title}'];
  let n = 3;
  for (const k of templateFields(ty)) {
    if (k === 'Type') {
      lines.push(`Type: ${ty}`);
    } else if (k === 'Stage') {
      const rest = CHOICES.Stage.filter((s) => s !== TYPICAL_STAGE[ty]);
      lines.push(`Stage: \${${n++}|${[TYPICAL_STAGE[ty], ...rest].join(',')}|}`);
    } else if (CHOICES[k]) {
      lines.push(`${k}: \${${n++}|${CHOICES[k].join(',')}|}`);
    } else {
      lines.push(`${k}: \${${n++}:${esc(PLACEHOLDER[k] ?? '[value]')}}`);
    }
  }
  lines.push('$0');
  return lines;
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

/** Title the server gives its template refactor: `Insert a DEP- Rollback entry (DEP-035)`. */
const ACTION_TITLE = /^Insert a DEP- (\w+) entry\b/;

/** Picks the server's "insert template" code action for `ty` among `actions`. */
export function pickTemplateAction<A extends { title: string; kind?: string | { value: string } }>(
  actions: readonly A[],
  ty: EntryType,
): A | undefined {
  return actions.find((a) => {
    const kind = typeof a.kind === 'string' ? a.kind : a.kind?.value;
    if (kind !== undefined && kind !== 'refactor' && !kind.startsWith('refactor.')) return false;
    const m = ACTION_TITLE.exec(a.title);
    return m !== null && m[1].toLowerCase() === ty.toLowerCase();
  });
}
