import { useEffect, useState } from 'react';
import { rpc } from '../rpc/index.ts';

/** The "Your name" setting as a field's state: loaded from the workspace settings, saved on demand. */
export interface DisplayNameField {
  /** What the field shows (the saved name until the person types). */
  value: string;
  setValue(value: string): void;
  /** Saves the field when it changed; the host trims it, and empty clears the name. */
  save(): Promise<void>;
}

/**
 * The name approvals are recorded as when nobody is signed in. It lives in the workspace settings
 * (the host reads it when a decision comes in), so the CLI and the editor record the same person.
 */
export function useDisplayName(): DisplayNameField {
  const [saved, setSaved] = useState('');
  const [value, setValue] = useState<string | undefined>();
  useEffect(() => {
    let current = true;
    rpc
      .call('settings.get', {})
      .then(({ settings }) => current && setSaved(settings.displayName ?? ''))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, []);
  return {
    value: value ?? saved,
    setValue,
    async save() {
      if (value === undefined || value.trim() === saved) return;
      const { settings } = await rpc.call('settings.save', { displayName: value });
      setSaved(settings.displayName ?? '');
      setValue(undefined);
    },
  };
}
