// A TCP proxy that holds every chunk the storage sends back for a fixed time: each request's round trip then costs
// what it costs on Azure (10-20 ms) instead of a loopback's fraction of a millisecond. Chunks keep their order.
//   node bench/latency-proxy.js <listen port> <target port> <delay ms>
const net = require("net");
const [listenPort, targetPort, delayMs] = process.argv.slice(2).map(Number);
net.createServer((client) => {
  const server = net.connect(targetPort, "127.0.0.1");
  client.on("data", (data) => server.write(data));
  server.on("data", (data) => setTimeout(() => client.write(data), delayMs));
  const close = () => { client.destroy(); server.destroy(); };
  client.on("error", close); server.on("error", close);
  client.on("close", () => server.end()); server.on("close", () => setTimeout(() => client.end(), delayMs));
}).listen(listenPort, "127.0.0.1", () => console.log(`latency proxy on 127.0.0.1:${listenPort} -> ${targetPort}, +${delayMs} ms`));
