import { describe, expect, it } from 'vitest';
import { addressFor, playbookInAddress } from '../../../renderer/home/address.ts';

describe('the address of a view', () => {
  it('names the playbook in the editor and nothing at home', () => {
    expect(playbookInAddress('http://127.0.0.1:5000/?playbook=suspicious-login')).toBe('suspicious-login');
    expect(playbookInAddress('http://127.0.0.1:5000/')).toBeUndefined();
    expect(playbookInAddress('http://127.0.0.1:5000/?playbook=')).toBeUndefined();
  });

  it('sets or removes the playbook and keeps every other part of the address', () => {
    const home = 'http://127.0.0.1:5000/app/?lang=en#top';
    const editor = addressFor(home, 'phishing-response');
    expect(editor).toBe('http://127.0.0.1:5000/app/?lang=en&playbook=phishing-response#top');
    expect(addressFor(editor, 'incident-investigation')).toBe('http://127.0.0.1:5000/app/?lang=en&playbook=incident-investigation#top');
    expect(addressFor(editor, undefined)).toBe(home);
  });

  it('round-trips an id that needs escaping', () => {
    expect(playbookInAddress(addressFor('http://127.0.0.1:5000/', 'a b&c'))).toBe('a b&c');
  });
});
