// Runs the built host bundle (dist/electron/host.mjs) under plain Node, standing in for Electron:
// a fake `process.parentPort` and a worker_threads MessageChannel for MessageChannelMain. The test
// talks to it over the child-process IPC channel: { init }, { control }, { frame } in; { report },
// { frame } out.
import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';

const parent = new EventEmitter();
parent.postMessage = (message) => process.send({ report: message });
process.parentPort = parent;
await import(pathToFileURL(process.argv[2]).href);

const { port1, port2 } = new MessageChannel();
const hostPort = {
  on: (event, listener) => (event === 'message' ? port1.on('message', (data) => listener({ data })) : port1.on(event, listener)),
  postMessage: (message) => port1.postMessage(message),
  start: () => port1.start(),
  close: () => port1.close(),
};
port2.on('message', (text) => process.send({ frame: text }));
process.on('message', (message) => {
  if (message.init !== undefined) {
    parent.emit('message', { data: message.init, ports: [] });
    parent.emit('message', { data: { type: 'connect' }, ports: [hostPort] });
  } else if (message.control !== undefined) {
    parent.emit('message', { data: message.control, ports: [] });
  } else if (message.frame !== undefined) {
    port2.postMessage(message.frame);
  }
});
process.send({ driver: 'ready' });
