/** The clock moved down to reference/sip/clock.ts (the transport runs its connection timers on it too); kept for older imports. */
export * from '../clock.ts';
