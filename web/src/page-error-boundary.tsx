import { Component, type ErrorInfo, type ReactNode } from 'react';
import { t } from './i18n.js';

// A page that fails while it renders (data of a shape it does not expect) shows a notice inside the
// frame, with the header and its navigation still there, instead of leaving the whole app blank. The
// layout keys it by path, so moving to another page starts afresh.
export class PageErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('The page could not be shown:', error, info.componentStack);
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <div className="notice notice--error notice--wide" role="alert">
        <p>{t('common.pageFailed')}</p>
        <p>
          <a href={window.location.href}>{t('common.reload')}</a>
        </p>
      </div>
    );
  }
}
