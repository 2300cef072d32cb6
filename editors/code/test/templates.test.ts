import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ENTRY_TYPES, pickerItems, pickTemplateAction, snippetFile, snippetLines, TEMPLATE_ACTION_KIND, templateFields } from '../src/templates';

const root = path.join(__dirname, '..', '..');

describe('templates', () => {
  test('fields per Type, as the server’s templates', () => {
    assert.deepEqual(templateFields('Rollback'), ['Type', 'Stage', 'Description', 'Trigger', 'Threshold', 'Procedure', 'Notification', 'Owner', 'Linked IDs']);
    assert.deepEqual(templateFields('Criteria'), ['Type', 'Stage', 'Description', 'Requirement', 'Verification', 'Blocker', 'Owner', 'Linked IDs']);
    assert.deepEqual(templateFields('Step'), ['Type', 'Stage', 'Description', 'Owner', 'Linked IDs']);
  });
  test('snippet body', () => {
    assert.deepEqual(snippetLines('Validation'), [
      'DEP-${1:001}: ${2:Title}',
      'Type: Validation',
      'Stage: ${3|Post-deploy,Pre-deploy,Deploy,Rollback|}',
      'Description: ${4:[What this deployment item covers]}',
      'Check: ${5:[What to verify post-deploy]}',
      'Method: ${6|Automated,Manual,Both|}',
      'Success Criteria: ${7:[Expected result]}',
      'Escalation: ${8:[What if validation fails]}',
      'Owner: ${9:[Who verifies]}',
      'Linked IDs: ${10:[EPIC-XXX, API-XXX, TEST-XXX related]}',
      '$0',
    ]);
  });
  test('snippets/markdown.json is generated from the templates (run `npm run schema` after a change)', () => {
    const file = JSON.parse(fs.readFileSync(path.join(root, 'snippets', 'markdown.json'), 'utf8'));
    assert.deepEqual(file, snippetFile());
    assert.equal(Object.keys(file).length, ENTRY_TYPES.length);
  });
  test('picks the server’s template action for the Type by its kind and data, not its title', () => {
    const K = TEMPLATE_ACTION_KIND;
    assert.equal(K, 'refactor.insert.dep-template');
    const actions = [
      { title: 'Replace `Automatic` with `Automated`', kind: 'quickfix' },
      { title: 'Add all missing fields to DEP-014 (Escalation)', kind: 'refactor' },
      { title: 'Insert a DEP- Environment entry (DEP-035)', kind: K, data: { template: 'Environment' } },
      { title: 'Neue Rollback-Vorlage (DEP-035)', kind: K, data: { template: 'Rollback' } },
      { title: 'Insert a DEP- Criteria entry (DEP-035)', kind: 'refactor' },
      { title: 'Insert a DEP- Step entry (DEP-035)', kind: 'quickfix', data: { template: 'Step' } },
      { title: 'Insert a DEP- Validation entry (DEP-035)', kind: K },
    ];
    assert.equal(pickTemplateAction(actions, 'Rollback')?.title, 'Neue Rollback-Vorlage (DEP-035)');
    assert.equal(pickTemplateAction(actions, 'Environment')?.title, 'Insert a DEP- Environment entry (DEP-035)');
    assert.equal(pickTemplateAction(actions, 'Criteria'), undefined, 'a title alone does not count');
    assert.equal(pickTemplateAction(actions, 'Step'), undefined, 'only the template kind');
    assert.equal(pickTemplateAction(actions, 'Validation'), undefined, 'data names the Type');
    const kindObject = { kind: { value: K }, data: { template: 'Step' } };
    assert.equal(pickTemplateAction([kindObject], 'Step'), kindObject, 'a vscode.CodeActionKind-like kind');
  });
  test('the picker offers every Type of the schema, described', () => {
    assert.deepEqual(pickerItems().map((i) => i.label), ['Environment', 'Criteria', 'Rollback', 'Validation', 'Step']);
    assert.deepEqual([...ENTRY_TYPES], ['Environment', 'Criteria', 'Rollback', 'Validation', 'Step']);
    for (const i of pickerItems()) assert.ok(i.description.length > 0, i.label);
  });
});
