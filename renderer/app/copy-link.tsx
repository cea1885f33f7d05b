import { formatDeepLink, type DeepLink } from '../../shared/deep-link';
import { useStores } from './context';

/** Copies a slipway:// link to this place; the desktop app opens it from anywhere (a chat, a ticket). */
export function CopyLink({ link, testId }: { link: DeepLink; testId?: string }) {
  const { ui } = useStores();
  const url = formatDeepLink(link);
  return (
    <button
      type="button"
      title={url}
      onClick={() =>
        void navigator.clipboard.writeText(url).then(
          () => ui.getState().notify(`Copied ${url}`, 'info'),
          () => ui.getState().notify(`Copy this link by hand: ${url}`, 'info'),
        )
      }
      data-testid={testId}
    >
      Copy link
    </button>
  );
}
