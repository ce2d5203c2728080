import type { SchemaField } from './schema-fields.ts';

/** Beside a titled field, its key as the playbook file and the vendor's docs spell it (`apiKey`). */
export function FieldKey({ field }: { field: SchemaField }) {
  if (field.title === undefined) return null;
  return (
    <code className="field-key" title="The parameter's name in the playbook file, as the vendor spells it">
      {field.key}
    </code>
  );
}
