/**
 * The contract between the consumer service and the tools: topic names, the tenant-id rule, the output topic
 * pattern and the dead-letter codes. Both sides read these from here, so they cannot drift apart.
 */
package dev.loraq.schemas.contract;
