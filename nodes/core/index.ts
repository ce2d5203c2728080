import { defineConnector } from '../sdk/define-connector.ts';
import { approvalNode } from './approval.ts';
import { conditionNode } from './condition.ts';
import { delayNode } from './delay.ts';
import { failNode } from './fail.ts';
import { filterNode } from './filter.ts';
import { httpGetNode } from './http-get.ts';
import { httpPollTrigger } from './http-poll-trigger.ts';
import { httpNode } from './http.ts';
import { playbookNode } from './playbook.ts';
import { reportNode } from './report.ts';
import { setNode } from './set.ts';
import { switchNode } from './switch.ts';
import { manualTrigger } from './trigger-manual.ts';
import { scheduleTrigger } from './trigger-schedule.ts';
import { webhookTrigger } from './trigger-webhook.ts';

/** The built-in triggers and control nodes every playbook is made of. */
export const coreConnector = defineConnector({
  id: 'core',
  name: 'Core',
  category: 'core',
  docsUrl: 'docs/nodes/core.md',
  description: 'Triggers, branching, data shaping, waiting, approvals, sub-playbooks and generic HTTP calls.',
  nodes: [
    manualTrigger,
    webhookTrigger,
    scheduleTrigger,
    httpPollTrigger,
    conditionNode,
    switchNode,
    setNode,
    reportNode,
    filterNode,
    delayNode,
    approvalNode,
    httpNode,
    httpGetNode,
    playbookNode,
    failNode,
  ],
});
