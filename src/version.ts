/** This package's version (as in its package.json; a test holds the two equal). */
export const VERSION = '0.1.0';
