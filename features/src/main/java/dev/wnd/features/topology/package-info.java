/**
 * The features application's topology, and the part that builds feature state, shared with the scorer:
 * {@link dev.wnd.features.topology.FeaturesTopology} (displays, page views and labels in; Examples out) and
 * {@link dev.wnd.features.topology.FeatureStateTopology} (user state, CTR counts and the dimension stores), each a
 * pure factory that touches no broker. The stores' layers are in {@link dev.wnd.features.store}, the settings and
 * admin work shared by the Streams applications in {@link dev.wnd.features.streams}.
 */
package dev.wnd.features.topology;
