// The customer-knowledge steps of ingestion, kept apart from the identity rules: facts checked against
// their keys (INVALID_FACT), questions asked and answers given (an answer becomes a DIRECT fact of its
// question's fact key), stored in one batch statement inside ingest's transaction.
import type { ChangeInput } from '../outbox/outbox.model.js';
import type { EventInput } from '../generated/graphql.js';
import { parseJsonText } from '../graph/rows.js';
import type { Graph, Tx } from '../graph/run.js';
import {
  KnowledgeRejected,
  type KnowledgeIngest,
  type PreparedKnowledge,
} from '../identity/ingest.knowledge.js';
import { factValueProblem } from './facts.js';
import type { KnowledgeRules } from './profile.model.js';
import { ProfileRepository } from './profile.repository.js';

export class ProfileIngest implements KnowledgeIngest<KnowledgeRules> {
  private readonly repo: ProfileRepository;

  constructor(graph: Graph) {
    this.repo = new ProfileRepository(graph);
  }

  /** Fact keys and questions, read once per batch. */
  rules(): Promise<KnowledgeRules> {
    return this.repo.knowledgeRules();
  }

  /** Checks an event's facts and answers; throws KnowledgeRejected naming the first problem. */
  prepare(
    event: EventInput,
    rules: KnowledgeRules,
    { maxLength, maxKeyLength }: { maxLength: number; maxKeyLength: number },
  ): PreparedKnowledge {
    for (const [i, fact] of (event.facts ?? []).entries()) {
      const key = rules.factKeys.get(fact.key.trim());
      const problem = key && factValueProblem(key, fact.value);
      if (problem) throw new KnowledgeRejected('INVALID_FACT', `facts[${i}].value: ${problem}`);
    }
    const asked = [...new Set((event.asked ?? []).map((q) => q.trim()))];
    // Question keys are indexed: the tighter bound applies.
    if (asked.some((q) => q === '' || q.length > maxKeyLength))
      throw new KnowledgeRejected('BAD_USER_INPUT', 'asked holds an empty or overlong question key');
    const answers: PreparedKnowledge['answers'] = [];
    const facts: PreparedKnowledge['facts'] = [];
    if (event.answers?.length && !event.actor.persona)
      throw new KnowledgeRejected('BAD_USER_INPUT', 'answers need actor.persona: the account they belong to');
    for (const [i, answer] of (event.answers ?? []).entries()) {
      const key = answer.question.trim();
      const value = JSON.stringify(answer.value);
      if (key === '' || key.length > maxKeyLength || value === undefined || value.length > maxLength)
        throw new KnowledgeRejected('BAD_USER_INPUT', `answers[${i}] needs a question key and a JSON value`);
      const question = rules.questions.get(key);
      const factKey = question ? rules.factKeys.get(question.factKey) : undefined;
      const problem = factKey && factValueProblem(factKey, answer.value);
      if (problem) throw new KnowledgeRejected('INVALID_FACT', `answers[${i}].value: ${problem}`);
      answers.push({ question: key, value });
      // An answer to a question nobody defined yet is kept on the event, but fills no fact.
      if (question) facts.push({ key: question.factKey, value, method: 'DIRECT', confidence: 1 });
    }
    return { asked, answers, facts };
  }

  /** One statement for the batch's questions and answers; the changes and unmapped keys it caused. */
  async store(
    tx: Tx,
    rows: ({ eventId: string } & PreparedKnowledge)[],
    personIdsOf: (personaId: string) => string[],
  ): Promise<{ changes: ChangeInput[]; unmapped: { kind: string; code: string }[] }> {
    const recorded = await this.repo.recordKnowledge(
      tx,
      rows
        .filter((r) => r.asked.length || r.answers.length)
        .map((r) => ({ eventId: r.eventId, asked: r.asked, answers: r.answers })),
    );
    const changes = recorded
      .filter((r) => r.answered && r.personaId)
      .map((r): ChangeInput => ({
        type: 'ANSWER_RECORDED',
        personaIds: [r.personaId!],
        personIds: personIdsOf(r.personaId!),
        data: {
          event: r.eventId,
          action: null,
          question: r.question,
          value: r.value === null ? null : parseJsonText(r.value),
        },
      }));
    const unmapped = [
      ...new Map(
        recorded.filter((r) => r.unmapped).map((r) => [r.question, { kind: 'question', code: r.question }]),
      ).values(),
    ];
    return { changes, unmapped };
  }
}
