import { useEffect, useId, useRef } from 'react';
import type { ReactNode } from 'react';
import { useStore } from '../store/index.ts';

interface ModalProps {
  title: string;
  onClose(): void;
  children: ReactNode;
  /** Buttons at the foot of the dialog. */
  actions: ReactNode;
}

/** A modal dialog: labelled by its title, Escape closes it, focus moves into it and back after. */
export function Modal({ title, onClose, children, actions }: ModalProps) {
  const titleId = useId();
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    const first = box.current?.querySelector<HTMLElement>('select, input, textarea, button');
    first?.focus();
    return () => previous?.focus();
  }, []);

  return (
    <div className="modal-backdrop">
      <div
        ref={box}
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation();
            onClose();
          }
        }}
      >
        <h2 id={titleId}>{title}</h2>
        <div className="modal-body">{children}</div>
        <div className="modal-actions">{actions}</div>
      </div>
    </div>
  );
}

/** The app's confirmation dialog, driven by `confirm()` in the UI slice. */
export function ConfirmDialog() {
  const dialog = useStore((state) => state.dialog);
  const answer = useStore((state) => state.answerDialog);
  if (dialog === undefined) return null;
  return (
    <Modal
      title="Please confirm"
      onClose={() => answer(false)}
      actions={
        <>
          <button type="button" onClick={() => answer(false)}>
            Cancel
          </button>
          <button type="button" className="danger" onClick={() => answer(true)}>
            {dialog.confirmLabel}
          </button>
        </>
      }
    >
      <p>{dialog.message}</p>
    </Modal>
  );
}

/** The latest notice: info fades by itself, errors stay until dismissed. */
export function Toast() {
  const toast = useStore((state) => state.toast);
  const dismiss = useStore((state) => state.dismissToast);
  if (toast === undefined) return null;
  return (
    <div className={`toast toast-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'}>
      <span>{toast.text}</span>
      <button type="button" className="icon" aria-label="Dismiss the notice" onClick={dismiss}>
        ×
      </button>
    </div>
  );
}
