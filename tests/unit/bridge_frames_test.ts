import assert from "node:assert/strict";
import { type Frame, FrameSplitter, FrameWriter } from "../../lib/bridge/_frames.ts";
import { idFromHead } from "../../lib/bridge/_protocol.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const texts = (frames: Frame[]) => frames.map((f) => f.kind === "frame" ? f.text : f.kind);

Deno.test("FrameSplitter cuts newline-delimited frames", async (t) => {
  await t.step("a frame split over several chunks comes out once, whole", () => {
    const splitter = new FrameSplitter(1024);
    assert.deepEqual(splitter.push(bytes('{"a":')), []);
    assert.deepEqual(splitter.push(bytes("1")), []);
    assert.deepEqual(texts(splitter.push(bytes("}\n"))), ['{"a":1}']);
    assert.equal(splitter.bufferedBytes, 0);
  });

  await t.step("many frames in one chunk come out in order; the tail waits", () => {
    const splitter = new FrameSplitter(1024);
    assert.deepEqual(texts(splitter.push(bytes("1\n2\r\n\n3\n4"))), ["1", "2", "3"]);
    assert.equal(splitter.bufferedBytes, 1);
    assert.deepEqual(texts(splitter.push(bytes("\n"))), ["4"]);
  });

  await t.step("a multi-byte UTF-8 character split across chunks decodes intact", () => {
    const splitter = new FrameSplitter(1024);
    const all = bytes('"héllo €🙂"\n');
    const out: Frame[] = [];
    for (let i = 0; i < all.length; i++) out.push(...splitter.push(all.subarray(i, i + 1)));
    assert.deepEqual(texts(out), ['"héllo €🙂"']);
  });

  await t.step("the caller may reuse its chunk buffer after push()", () => {
    const splitter = new FrameSplitter(1024);
    const chunk = bytes("abc");
    splitter.push(chunk);
    chunk.fill(0x7a);
    assert.deepEqual(texts(splitter.push(bytes("\n"))), ["abc"]);
  });

  await t.step("invalid UTF-8 is reported, and the next frame still comes out", () => {
    const splitter = new FrameSplitter(1024);
    const out = splitter.push(new Uint8Array([0xff, 0xfe, 0x0a, 0x31, 0x0a]));
    assert.deepEqual(texts(out), ["invalid-utf8", "1"]);
  });
});

Deno.test("FrameSplitter never holds more than its cap", async (t) => {
  await t.step("an oversize frame without newline is reported once and discarded", () => {
    const splitter = new FrameSplitter(16);
    const head = '{"jsonrpc":"2.0","id":42,"method":"callTool"';
    const out = splitter.push(bytes(head));
    assert.equal(out.length, 1);
    assert.equal(out[0]?.kind, "too-large");
    assert.equal(splitter.bufferedBytes, 0);
    for (let i = 0; i < 100; i++) assert.deepEqual(splitter.push(bytes("x".repeat(1000))), []);
    assert.equal(splitter.bufferedBytes, 0);
    assert.deepEqual(texts(splitter.push(bytes('tail"}\n{"ok":1}\n'))), ['{"ok":1}']);
  });

  await t.step("the oversize report keeps the head, so the id can be found", () => {
    const splitter = new FrameSplitter(32);
    const out: Frame[] = [];
    for (const piece of ['{"jsonrpc":"2.0",', '"id":7,"method":"callTool","params":{}}\n']) {
      out.push(...splitter.push(bytes(piece)));
    }
    const frame = out[0];
    assert.ok(frame?.kind === "too-large");
    assert.equal(idFromHead(frame.head), 7);
  });

  await t.step("a frame of exactly the cap passes; one byte more does not", () => {
    const splitter = new FrameSplitter(4);
    assert.deepEqual(texts(splitter.push(bytes("1234\n12345\n"))), ["1234", "too-large"]);
  });
});

Deno.test("idFromHead() finds the id only where a guest puts it", () => {
  assert.equal(idFromHead('{"jsonrpc":"2.0","id":12,"method"'), 12);
  assert.equal(idFromHead('{"jsonrpc":"2.0","id":"a-1"'), "a-1");
  assert.equal(idFromHead('{"method":"x","id":1}'), null);
  assert.equal(idFromHead("xxxx"), null);
});

Deno.test("FrameWriter keeps order, gathers queued frames, and survives short writes", async (t) => {
  await t.step("frames queued together go out in order, in fewer writes", async () => {
    const writes: Uint8Array[] = [];
    const writer = new FrameWriter({
      write(chunk) {
        writes.push(chunk.slice());
        return Promise.resolve(chunk.length);
      },
    });
    await Promise.all(Array.from({ length: 100 }, (_, i) => writer.write(bytes(`${i}\n`))));
    const all = writes.map((w) => new TextDecoder().decode(w)).join("");
    assert.equal(all, Array.from({ length: 100 }, (_, i) => `${i}\n`).join(""));
    assert.ok(writes.length < 100, `${writes.length} writes`);
  });

  await t.step("a writer that takes one byte at a time still gets every byte", async () => {
    let out = "";
    const writer = new FrameWriter({
      write(chunk) {
        out += String.fromCharCode(chunk[0]!);
        return Promise.resolve(1);
      },
    });
    await Promise.all([writer.write(bytes("abc\n")), writer.write(bytes("de\n"))]);
    assert.equal(out, "abc\nde\n");
  });

  await t.step("a failed write rejects its frames; later frames are tried again", async () => {
    let fail = true;
    const writer = new FrameWriter({
      write(chunk) {
        if (fail) return Promise.reject(new Error("EPIPE"));
        return Promise.resolve(chunk.length);
      },
    });
    await assert.rejects(writer.write(bytes("x\n")), /EPIPE/);
    fail = false;
    await writer.write(bytes("y\n"));
  });
});
