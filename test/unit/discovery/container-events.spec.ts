// Docker event lines as engines send them (captured from Docker 20.10's GET /events), cut and read.
import { describe, expect, it } from 'vitest';
import { EventLineReader, isStoppingSignal, parseEventLine, signalNumber } from '../../../main/discovery/container-events.js';

const ID = '7d0a9c31b72be403409c6afc2451fa2ce611df988ae291f5201e8229b58071d8';
const line = (action: string, attributes: Record<string, string> = {}) =>
  JSON.stringify({ status: action, id: ID, from: 'berth-test:latest', Type: 'container', Action: action, Actor: { ID, Attributes: { image: 'berth-test:latest', name: 'web-1', ...attributes } }, scope: 'local', time: 1764925000 });

describe('parseEventLine', () => {
  it('reads the action, the kill signal and the health status', () => {
    expect(parseEventLine(line('kill', { signal: '15' }))).toEqual({ id: ID, action: 'kill', signal: 15 });
    expect(parseEventLine(line('die', { exitCode: '137' }))).toEqual({ id: ID, action: 'die' });
    expect(parseEventLine(line('health_status: unhealthy'))).toEqual({ id: ID, action: 'health_status', health: 'unhealthy' });
    expect(parseEventLine(line('pause'))).toEqual({ id: ID, action: 'pause' });
  });

  it('skips what is not a container event', () => {
    expect(parseEventLine('')).toBeUndefined();
    expect(parseEventLine('{"Type":"network","Action":"connect","Actor":{"ID":"n"}}')).toBeUndefined();
    expect(parseEventLine('{not json')).toBeUndefined();
    expect(parseEventLine('null')).toBeUndefined();
    expect(parseEventLine('{"Type":"container"}')).toBeUndefined();
  });
});

describe('EventLineReader', () => {
  it('joins a line cut across chunks and reads several lines in one', () => {
    const reader = new EventLineReader();
    const text = `${line('kill', { signal: '15' })}\n${line('die')}\n${line('stop')}\n`;
    const events = [reader.push(text.slice(0, 40)), reader.push(text.slice(40, 400)), reader.push(text.slice(400))].flat();
    expect(events.map((e) => e.action)).toEqual(['kill', 'die', 'stop']);
  });
});

describe('stop signals', () => {
  it('reads numbers and names', () => {
    expect([signalNumber('15'), signalNumber('SIGTERM'), signalNumber('term'), signalNumber('SIGWINCH'), signalNumber('SIGNOPE')]).toEqual([15, 15, 15, 28, undefined]);
  });

  it('TERM, INT, QUIT and KILL stop; HUP and USR1 only when they are the container\'s StopSignal', () => {
    expect([2, 3, 9, 15].map((s) => isStoppingSignal(s))).toEqual([true, true, true, true]);
    expect([1, 10, 28].map((s) => isStoppingSignal(s))).toEqual([false, false, false]);
    expect(isStoppingSignal(28, 'SIGWINCH')).toBe(true);
    expect(isStoppingSignal(1, 'SIGWINCH')).toBe(false);
  });
});
