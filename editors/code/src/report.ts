// "Show Readiness Report": whether the server offers it, and how its answer is shown. Pure.

export const READINESS_COMMAND = 'dep-ls.readinessReport';

interface InitializeResultLike {
  capabilities?: { executeCommandProvider?: { commands?: readonly string[] } };
}

/** True when the server lists `command` in `capabilities.executeCommandProvider.commands`. */
export function offersCommand(init: InitializeResultLike | undefined, command: string): boolean {
  return init?.capabilities?.executeCommandProvider?.commands?.includes(command) ?? false;
}

export function notOfferedMessage(serverPath: string | undefined): string {
  return (
    `This dep-ls server${serverPath ? ` (${serverPath})` : ''} does not offer a readiness report: ` +
    `it does not list the command "${READINESS_COMMAND}" in its executeCommandProvider capability. ` +
    'Update dep-ls to a version that has it.'
  );
}

/** The Markdown shown for the server's answer: a string as is, `{markdown}` / `{text}` fields, else JSON. */
export function reportToMarkdown(result: unknown): string {
  if (typeof result === 'string') return result;
  if (result !== null && typeof result === 'object') {
    const r = result as Record<string, unknown>;
    if (typeof r.markdown === 'string') return r.markdown;
    if (typeof r.text === 'string') return r.text;
  }
  if (result === null || result === undefined) return '# dep-ls readiness report\n\nThe server returned no report.\n';
  return '# dep-ls readiness report\n\n```json\n' + JSON.stringify(result, null, 2) + '\n```\n';
}
