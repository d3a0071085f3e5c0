package dev.warden.engine;

/** Execute for real, or simulate: run every stage but with a dry run in place of the effect. */
public enum Mode { EXECUTE, SIMULATE }
