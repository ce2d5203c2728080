import { httpPoll } from './core/http-poll-trigger.ts';
import { alertsPoll } from './elastic/alerts-trigger.ts';
import { messagesPoll } from './msgraph/messages-trigger.ts';
import type { PollSpec } from './sdk/poll-trigger.ts';
import { notablePoll } from './splunk/notable-trigger.ts';

/** Every polling trigger shipped with the app, for the host's poller (host/triggers/pollers). */
export const builtinPollSpecs: readonly PollSpec<never>[] = [notablePoll as PollSpec<never>, alertsPoll as PollSpec<never>, messagesPoll as PollSpec<never>, httpPoll as PollSpec<never>];
