import { writeFileSync } from 'node:fs';
import { playbookJsonSchemaText } from '../engine/format/json-schema.ts';

/** `npm run schema`: regenerates schema/playbook.schema.json from the zod playbook schema. */
const target = new URL('../schema/playbook.schema.json', import.meta.url);
writeFileSync(target, playbookJsonSchemaText());
console.log(`wrote ${target.pathname}`);
