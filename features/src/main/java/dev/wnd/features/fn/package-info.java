/** Pure feature functions shared by training and serving. */
package dev.wnd.features.fn;
