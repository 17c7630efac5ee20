package dev.loraq.engine.synth;

/** A small English text the synthetic tokenizer learns its first merges from (written for this project). */
final class Corpus {

    private Corpus() {
    }

    static final String TEXT = """
            The engine serves many tenants from one base model. Each tenant brings a small adapter, a pair of \
            low-rank matrices for some of the projections in every layer, and the engine applies the right adapter \
            to each request while it batches requests together. When two requests use the same adapter, they share \
            the work of loading it; when they use different adapters, the batch still runs as one step, and only \
            the small adapter products differ between the rows.
            A request arrives on a topic as a record. The consumer reads it, checks that the adapter exists, and \
            places the request in a queue. The scheduler takes requests from the queue when there is room in the \
            cache for their tokens. It prefers requests whose adapter is already in memory, but it never lets a \
            request wait longer than the configured bound. After each step, the new tokens are sampled, decoded to \
            text, and checked against the stop strings of the request. When a sequence is finished, the result is \
            written to the output topic of its tenant, and the offset of the input record is committed in the same \
            transaction, so that nothing is lost and nothing is written twice.
            There are three kinds of memory to think about. The weights of the base model are read once for every \
            step, whatever the number of sequences, so a larger batch makes better use of the same bandwidth. The \
            key and value cache grows with every token of every sequence, and it is divided into blocks of sixteen \
            tokens so that no space is wasted between sequences. The adapters are small, but there may be thousands \
            of them, so only the ones in use are kept close to the compute, and the others wait on disk or in host \
            memory until a request needs them.
            Numbers matter here: a model with one billion parameters in bfloat16 needs about two gigabytes of \
            weights, and a machine that streams thirty gigabytes per second can read them fifteen times per second. \
            With eight sequences in a batch, the same fifteen steps give one hundred and twenty tokens per second. \
            The first token of a reply comes after the prompt is processed, which takes longer for a long prompt; \
            the time between the following tokens depends on the size of the batch and on the speed of memory.
            Good tests check what users rely on. They compare each fast kernel with a plain version of the same \
            computation, they run a real broker and a real registry instead of imitations, and they fail when the \
            behaviour is wrong. A clear error names the file, the line, the key, or the record that is at fault, \
            and it says what was expected and what was found. Simple names say what a thing is, and short comments \
            say why a choice was made, not what the code already shows.
            In the morning the city was quiet. A woman walked along the river with her dog, and a man sold coffee \
            and bread from a small cart near the bridge. Children ran to school, their bags bouncing on their \
            backs, and the old clock in the square struck eight. By noon the streets were full of people, of voices \
            and of music, and the light on the water was bright and warm. In the evening, when the shops were \
            closed and the lamps were lit, the people went home to eat, to read, to talk about the day, and to rest.
            What is the answer? It is forty-two, or perhaps it is not; we will see. Would you like to know more? \
            Please write your question below, and we will reply as soon as we can: usually within 24 hours, \
            sometimes in 3 days, rarely after 1 week. Thank you for your patience!
            """;
}
