import * as DropdownMenu from '@radix-ui/react-dropdown-menu';
import { Archive, ArchiveRestore, MoreHorizontal, Pencil } from 'lucide-react';
import { useStores } from '../../app/context';

/** The selected agent's actions, in a menu rather than always in view: rename, archive or restore (Radix: arrows, Enter, Escape). */
export default function AgentMenu({ name, archived }: { name: string; archived: boolean }) {
  const { agents, ui } = useStores();
  return (
    <div className="agent-actions">
      <DropdownMenu.Root>
        <DropdownMenu.Trigger asChild>
          <button type="button" className="icon" aria-label={`Actions for ${name}`} data-testid="agent-menu">
            <MoreHorizontal size={16} aria-hidden />
          </button>
        </DropdownMenu.Trigger>
        <DropdownMenu.Portal>
          <DropdownMenu.Content className="menu" align="start" sideOffset={4}>
            <DropdownMenu.Item className="menu-item" onSelect={() => ui.getState().setAgentDialog({ kind: 'rename', name })}>
              <Pencil size={14} aria-hidden /> Rename…
            </DropdownMenu.Item>
            {archived ? (
              <DropdownMenu.Item className="menu-item" onSelect={() => void agents.getState().restore(name)}>
                <ArchiveRestore size={14} aria-hidden /> Restore
              </DropdownMenu.Item>
            ) : (
              <DropdownMenu.Item
                className="menu-item danger"
                onSelect={() => ui.getState().setAgentDialog({ kind: 'archive', name })}
                data-testid="archive-agent"
              >
                <Archive size={14} aria-hidden /> Archive…
              </DropdownMenu.Item>
            )}
          </DropdownMenu.Content>
        </DropdownMenu.Portal>
      </DropdownMenu.Root>
    </div>
  );
}
