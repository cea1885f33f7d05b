import { Component, type ReactNode } from 'react';

interface Props {
  /** What failed, in the words of the message shown ("The editor", "This tab"). */
  what: string;
  children: ReactNode;
}

/**
 * A part of the window that fails shows what went wrong and a way back, instead of taking the
 * whole window down with it (React unmounts everything above an uncaught render error).
 */
export class ErrorBoundary extends Component<Props, { error: Error | null }> {
  override state: { error: Error | null } = { error: null };

  static getDerivedStateFromError(error: unknown): { error: Error } {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: unknown): void {
    console.warn(`${this.props.what} failed:`, error);
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <div className="empty-state" role="alert" data-testid="part-failed">
        <p>
          {this.props.what} failed: {this.state.error.message}
        </p>
        <button type="button" onClick={() => this.setState({ error: null })}>
          Try again
        </button>
      </div>
    );
  }
}
