/** Moved to the SDK (AWS reads XML too); kept so existing imports of the PAN-OS path still resolve. */
export * from '../sdk/xml.ts';
