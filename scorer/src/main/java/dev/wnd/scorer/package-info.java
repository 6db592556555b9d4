/** The scoring topology and model hot reload. */
package dev.wnd.scorer;
