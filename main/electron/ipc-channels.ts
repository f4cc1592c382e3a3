// IPC channel names shared by the main-side bridge and the preload (kept tiny: the preload bundle
// must not pull in the contract's schemas).
export const CALL_CHANNEL = 'berth:call';
export const SUBSCRIBE_CHANNEL = 'berth:subscribe';
export const UNSUBSCRIBE_CHANNEL = 'berth:unsubscribe';
export const EVENT_CHANNEL = 'berth:event';
