/**
 * The batch reference: the seed's feature definitions computed the plain way from in-memory records, the oracle
 * that the streaming topology is tested against.
 */
package dev.wnd.features.reference;
