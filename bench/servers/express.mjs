// Express, runnable on Node and on Bun: `node bench/servers/express.mjs <port>`.
import express from 'express';

const port = Number(process.argv[2] ?? 0);
const app = express();
app.disable('x-powered-by');
app.disable('etag');
app.get('/hello', (_req, res) => {
  res.type('text/plain').send('Hello, World!');
});
app.get('/user/:id', (req, res) => {
  res.type('text/plain').send(req.params.id);
});
const server = app.listen(port, '127.0.0.1', () => {
  console.log(`READY ${server.address().port}`);
});
