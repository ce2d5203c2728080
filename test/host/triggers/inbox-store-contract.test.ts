import { openInboxStore } from '../../../host/triggers/inbox-store.ts';
import { useTempDir } from '../../support/temp-dir.ts';
import { describeInboxContract } from './inbox-contract.ts';

const dir = useTempDir('inbox-contract-');

describeInboxContract('the embedded store (openInboxStore)', (now) => openInboxStore(dir(), { clock: { now } }));
