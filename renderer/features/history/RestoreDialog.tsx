import { useSlice, useStores } from '../../app/context';
import { ConfirmDialog } from '../../app/ConfirmDialog';
import type { AppStores } from '../../app/stores';

/** Checks a version out into the draft and, when that replaced changes, offers Undo (the audit row keeps them). */
export async function restoreDraft({ history, editor, ui }: Pick<AppStores, 'history' | 'editor' | 'ui'>, semver: string) {
  const restored = await history.getState().restore(semver);
  if (!restored) return;
  const agent = history.getState().agent;
  await editor.getState().open(agent);
  const { replaced } = restored;
  if (!agent) return;
  if (replaced === null) {
    ui.getState().notify(`Draft restored from ${semver}`, 'info');
    return;
  }
  ui.getState().notify(`Draft restored from ${semver}; the replaced changes are kept`, 'info', {
    label: 'Undo',
    run: () => void recoverDraft({ history, editor, ui }, agent, replaced),
  });
}

/** Puts back a draft a restore replaced (Undo, or the Audit tab's Recover). */
export async function recoverDraft(
  { history, editor, ui }: Pick<AppStores, 'history' | 'editor' | 'ui'>,
  agent: string,
  audit: number,
) {
  if (!(await history.getState().recover(agent, audit))) return;
  if (editor.getState().agent === agent) await editor.getState().open(agent);
  ui.getState().notify(`The draft of ${agent} that restore replaced is back`, 'info');
}

/** Restore asks first when the draft holds changes no version has, naming the files it would replace. */
export function RestoreDialog({ semver, onClose }: { semver: string; onClose: () => void }) {
  const stores = useStores();
  const draft = useSlice(stores.editor, (state) => state.draft);
  const changed = draft?.changedFiles ?? [];
  return (
    <ConfirmDialog
      title={`Replace the draft with ${semver}?`}
      testId="restore-dialog"
      explanation={
        <p>
          The draft has changes no version holds ({changed.join(', ')}
          {draft?.parent ? `, against ${draft.parent}` : ''}). Restoring {semver} replaces them. You can undo it from the notice
          that follows, or later from the Audit tab.
        </p>
      }
      submitLabel="Replace the draft"
      submitTestId="restore-confirm"
      onConfirm={() => void restoreDraft(stores, semver)}
      onClose={onClose}
    />
  );
}
