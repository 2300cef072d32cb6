import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { notOfferedMessage, offersCommand, READINESS_COMMAND, reportToMarkdown } from '../src/report';

describe('readiness report', () => {
  test('offered only when the server lists the command', () => {
    assert.equal(offersCommand(undefined, READINESS_COMMAND), false);
    assert.equal(offersCommand({ capabilities: {} }, READINESS_COMMAND), false);
    assert.equal(offersCommand({ capabilities: { executeCommandProvider: { commands: ['other'] } } }, READINESS_COMMAND), false);
    assert.equal(offersCommand({ capabilities: { executeCommandProvider: { commands: ['dep-ls.readinessReport'] } } }, READINESS_COMMAND), true);
  });
  test('the message says what is missing', () => {
    const m = notOfferedMessage('/usr/bin/dep-ls');
    assert.match(m, /does not offer a readiness report/);
    assert.match(m, /dep-ls\.readinessReport/);
    assert.match(m, /\/usr\/bin\/dep-ls/);
  });
  test('answers become Markdown', () => {
    assert.equal(reportToMarkdown('# Ready'), '# Ready');
    assert.equal(reportToMarkdown({ markdown: '# M' }), '# M');
    assert.equal(reportToMarkdown({ text: 'T' }), 'T');
    assert.match(reportToMarkdown({ ready: false, blockers: 2 }), /```json\n\{\n {2}"ready": false/);
    assert.match(reportToMarkdown(null), /no report/);
  });
});
