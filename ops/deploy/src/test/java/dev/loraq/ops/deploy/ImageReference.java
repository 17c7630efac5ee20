package dev.loraq.ops.deploy;

import java.util.regex.Pattern;

/** Checks a container image reference for a pinned version: a digest, or a tag holding a dotted version number. */
final class ImageReference {

    private static final Pattern VERSION = Pattern.compile(".*\\d+\\.\\d+.*");

    private ImageReference() {
    }

    /** Why the reference is not pinned, or null when it is. */
    static String unpinnedReason(String image) {
        if (image == null || image.isBlank()) {
            return "no image";
        }
        if (image.contains("@sha256:")) {
            return null;
        }
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        if (colon < slash + 1) {
            return "no tag (means latest)";
        }
        String tag = image.substring(colon + 1);
        if (tag.equals("latest")) {
            return "tag latest";
        }
        if (!VERSION.matcher(tag).matches()) {
            return "tag '" + tag + "' is not a version (e.g. 4.4.0)";
        }
        return null;
    }
}
